/**
 * `@quantum/emulator`: a local Binance USD-M futures emulator (REST + WebSocket) backed by the paper
 * exchange's matching engine, with Binance's signing, error codes and weight limits, and seeded fault
 * injection. A development package: point ccxt (or any Binance client) at it in tests.
 * @packageDocumentation
 */
export { createEmulator, startEmulator, Emulator, EmulatorFaults } from './emulator.js'
export type { EmulatorState } from './emulator.js'
export type { EmulatorBar, PushBarOptions, Replay, ReplayOptions } from './market-feed.js'
export type { BookShape } from './engine/venue.js'
export { INTERVALS } from './options.js'
export { FULL_EXCHANGE_INFO_FILE, fullExchangeInfo, usdtPerpetuals } from './exchange-info.js'
export type { ApiKeyPair, EmulatorOptions } from './options.js'
export { ManualClock, RealClock } from './clock.js'
export type { CancelTimer, EmulatorClock } from './clock.js'
export { FaultController, REQUEST_FAULTS } from './faults.js'
export type { ActiveFault, FaultEvent, FaultKind, FaultSpec, ResolvedFaultSpec } from './faults.js'
export { BINANCE_ERRORS, BinanceApiError } from './http/api-error.js'
export type { BinanceErrorName } from './http/api-error.js'
export { listEndpoints, NOT_EMULATED } from './http/server.js'
export type { RequestRecord } from './http/server.js'
export { sign } from './http/signing.js'
export { attachCcxt } from './ccxt-transport.js'
export type { CcxtExchangeLike, EmulatorAddress } from './ccxt-transport.js'
export type { SocketKind } from './ws/stream-server.js'
