/**
 * The WebSocket side, on the REST server's port: market streams (`/market/ws/<n>`, `/public/ws/<n>`,
 * `/ws`) answering `SUBSCRIBE`, and the user-data stream (`/private/ws?listenKey=…`).
 * @see ../../../shared/research/exchange.md §4
 * @packageDocumentation
 * @internal
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { ListenKeys } from './listen-keys.js'

/** Which connections to drop. */
export type SocketKind = 'market' | 'private' | 'all'

const MARKET_PATH = /^\/(?:(?:market|public)\/)?(?:ws|stream)(?:\/(.*))?$/

/** Market subscriptions and user-data connections of one emulator. */
export class StreamServer {
  private readonly wss = new WebSocketServer({ noServer: true })
  private readonly market = new Map<WebSocket, Set<string>>()
  private readonly users = new Map<WebSocket, string>()
  /** Connections that stay open (and answer pings) but get no more data: a stream gone silent. */
  private readonly stalled = new WeakSet<WebSocket>()

  constructor(private readonly listenKeys: ListenKeys) {}

  /** Routes an HTTP upgrade by path; unknown paths and invalid listenKeys get HTTP 400/404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/private/ws' || url.pathname.startsWith('/private/ws/')) {
      const key = url.searchParams.get('listenKey') ?? url.pathname.slice('/private/ws/'.length)
      if (!this.listenKeys.isValid(key)) return refuse(socket, 400)
      this.wss.handleUpgrade(req, socket, head, (ws) => this.addUser(ws, key))
      return
    }
    const m = MARKET_PATH.exec(url.pathname)
    if (m === null) return refuse(socket, 404)
    const streams = [...(m[1] ?? '').split('/'), ...(url.searchParams.get('streams') ?? '').split('/')]
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      this.addMarket(
        ws,
        streams.filter((s) => s.includes('@')),
      ),
    )
  }

  /** Sends `payload` to every market connection subscribed to `stream` (e.g. `btcusdt@kline_1m`). */
  publish(stream: string, payload: unknown): void {
    let text: string | undefined
    for (const [ws, subs] of this.market) {
      if (!subs.has(stream) || this.stalled.has(ws)) continue
      text ??= JSON.stringify(payload)
      ws.send(text)
    }
  }

  /** Sends a user-data event to every user-data connection (one emulated account). */
  publishUser(event: unknown): void {
    if (this.users.size === 0) return
    const text = JSON.stringify(event)
    for (const ws of this.users.keys()) if (!this.stalled.has(ws)) ws.send(text)
  }

  /** Sends `listenKeyExpired` on the connections of `listenKey`, then closes them. */
  expire(listenKey: string, time: number): void {
    for (const [ws, key] of this.users) {
      if (key !== listenKey) continue
      ws.send(JSON.stringify({ e: 'listenKeyExpired', E: time, listenKey }))
      ws.close(1000, 'listenKey expired')
      this.users.delete(ws)
    }
  }

  /** Terminates connections abruptly (no close frame), as a network failure would. */
  drop(kind: SocketKind = 'all'): number {
    let n = 0
    const victims = [...(kind === 'private' ? [] : this.market.keys()), ...(kind === 'market' ? [] : this.users.keys())]
    for (const ws of victims) {
      ws.terminate()
      n++
    }
    return n
  }

  /**
   * Silences the open connections: they stay open and answer pings but receive nothing more, as a stream
   * that died on the venue's side without closing its socket. New connections are served normally.
   */
  stall(kind: SocketKind = 'all'): number {
    let n = 0
    const victims = [...(kind === 'private' ? [] : this.market.keys()), ...(kind === 'market' ? [] : this.users.keys())]
    for (const ws of victims) {
      this.stalled.add(ws)
      n++
    }
    return n
  }

  /** Number of open connections of each kind. */
  counts(): { market: number; private: number } {
    return { market: this.market.size, private: this.users.size }
  }

  /** Every market stream some connection is subscribed to, sorted. */
  subscriptions(): string[] {
    const all = new Set<string>()
    for (const subs of this.market.values()) for (const s of subs) all.add(s)
    return [...all].sort()
  }

  /** Closes every connection and the server. */
  close(): void {
    this.drop('all')
    this.wss.close()
  }

  private addUser(ws: WebSocket, key: string): void {
    this.users.set(ws, key)
    ws.on('close', () => this.users.delete(ws))
  }

  private addMarket(ws: WebSocket, initial: string[]): void {
    const subs = new Set(initial)
    this.market.set(ws, subs)
    ws.on('close', () => this.market.delete(ws))
    ws.on('message', (data) => this.onMessage(ws, subs, data))
  }

  private onMessage(ws: WebSocket, subs: Set<string>, data: RawData): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown }
    try {
      msg = JSON.parse(rawText(data)) as typeof msg
    } catch {
      ws.send(JSON.stringify({ error: { code: 3, msg: 'Invalid JSON' } }))
      return
    }
    const id = msg.id ?? null
    const params = Array.isArray(msg.params) ? msg.params.filter((p): p is string => typeof p === 'string') : []
    switch (msg.method) {
      case 'SUBSCRIBE':
        for (const p of params) subs.add(p)
        ws.send(JSON.stringify({ result: null, id }))
        return
      case 'UNSUBSCRIBE':
        for (const p of params) subs.delete(p)
        ws.send(JSON.stringify({ result: null, id }))
        return
      case 'LIST_SUBSCRIPTIONS':
        ws.send(JSON.stringify({ result: [...subs], id }))
        return
      default:
        ws.send(JSON.stringify({ error: { code: 2, msg: 'Invalid request' }, id }))
    }
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data as ArrayBuffer).toString('utf8')
}

function refuse(socket: Duplex, status: 400 | 404): void {
  socket.end(`HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : 'Not Found'}\r\nConnection: close\r\n\r\n`)
}
