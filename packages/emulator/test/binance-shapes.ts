/**
 * zod schemas of the Binance USD-M responses, with every field the research note lists
 * (`../shared/research/exchange.md` §7 and §4): numbers as decimal strings where Binance sends strings.
 */
import { z } from 'zod'

/** A decimal string such as "60000.10" or "-0.002". */
export const dec = z.string().regex(/^-?\d+(\.\d+)?$/)
const int = z.number().int()

const orderFields = {
  orderId: int,
  symbol: z.string(),
  status: z.enum(['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED', 'REJECTED']),
  clientOrderId: z.string(),
  price: dec,
  avgPrice: dec,
  origQty: dec,
  executedQty: dec,
  cumQuote: dec,
  timeInForce: z.enum(['GTC', 'IOC', 'FOK', 'GTX']),
  type: z.string(),
  reduceOnly: z.boolean(),
  closePosition: z.boolean(),
  side: z.enum(['BUY', 'SELL']),
  positionSide: z.literal('BOTH'),
  stopPrice: dec,
  workingType: z.enum(['CONTRACT_PRICE', 'MARK_PRICE']),
  priceProtect: z.boolean(),
  origType: z.string(),
  priceMatch: z.literal('NONE'),
  selfTradePreventionMode: z.literal('NONE'),
  goodTillDate: int,
  updateTime: int,
}

/** A new, modified or cancelled order's reply: `cumQty`, no `time` (ccxt's recorded createOrders/editOrders). */
export const OrderShape = z.strictObject({ ...orderFields, cumQty: dec })

/** A looked-up order (GET order, openOrder, openOrders, allOrders): `time`, no `cumQty` (recorded fetchOpenOrder). */
export const QueriedOrderShape = z.strictObject({ ...orderFields, time: int })

export const AlgoShape = z.looseObject({
  algoId: int,
  clientAlgoId: z.string(),
  algoType: z.literal('CONDITIONAL'),
  orderType: z.enum(['STOP_MARKET', 'TAKE_PROFIT_MARKET']),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  positionSide: z.literal('BOTH'),
  timeInForce: z.literal('GTC'),
  quantity: dec,
  algoStatus: z.enum(['NEW', 'CANCELED', 'TRIGGERING', 'TRIGGERED', 'FINISHED', 'REJECTED', 'EXPIRED']),
  triggerPrice: dec,
  price: dec,
  icebergQuantity: z.null(),
  selfTradePreventionMode: z.literal('NONE'),
  workingType: z.enum(['CONTRACT_PRICE', 'MARK_PRICE']),
  priceMatch: z.literal('NONE'),
  closePosition: z.boolean(),
  priceProtect: z.boolean(),
  reduceOnly: z.boolean(),
  createTime: int,
  updateTime: int,
  triggerTime: int,
  goodTillDate: int,
})

export const TradeShape = z.strictObject({
  symbol: z.string(),
  id: int,
  orderId: int,
  side: z.enum(['BUY', 'SELL']),
  price: dec,
  qty: dec,
  realizedPnl: dec,
  marginAsset: z.literal('USDT'),
  quoteQty: dec,
  commission: dec,
  commissionAsset: z.literal('USDT'),
  time: int,
  positionSide: z.literal('BOTH'),
  maker: z.boolean(),
  buyer: z.boolean(),
})

export const PositionRiskShape = z.strictObject({
  symbol: z.string(),
  positionSide: z.literal('BOTH'),
  positionAmt: dec,
  entryPrice: dec,
  breakEvenPrice: dec,
  markPrice: dec,
  unRealizedProfit: dec,
  liquidationPrice: dec,
  isolatedMargin: dec,
  notional: dec,
  marginAsset: z.literal('USDT'),
  isolatedWallet: dec,
  initialMargin: dec,
  maintMargin: dec,
  positionInitialMargin: dec,
  openOrderInitialMargin: dec,
  adl: int,
  bidNotional: dec,
  askNotional: dec,
  updateTime: int,
})

const AccountAssetShape = z.looseObject({
  asset: z.literal('USDT'),
  walletBalance: dec,
  unrealizedProfit: dec,
  marginBalance: dec,
  initialMargin: dec,
  availableBalance: dec,
  maxWithdrawAmount: dec,
  updateTime: int,
})

export const AccountShape = z.looseObject({
  totalWalletBalance: dec,
  totalUnrealizedProfit: dec,
  totalMarginBalance: dec,
  availableBalance: dec,
  assets: z.array(AccountAssetShape).length(1),
  positions: z.array(z.looseObject({ symbol: z.string(), positionAmt: dec, updateTime: int })),
})

export const LeverageBracketShape = z.array(
  z.looseObject({
    symbol: z.string(),
    brackets: z
      .array(
        z.strictObject({
          bracket: int,
          initialLeverage: z.number(),
          notionalCap: z.number(),
          notionalFloor: z.number(),
          maintMarginRatio: z.number(),
          cum: z.number(),
        }),
      )
      .min(1),
  }),
)

export const SymbolConfigShape = z.array(
  z.strictObject({
    symbol: z.string(),
    marginType: z.enum(['CROSSED', 'ISOLATED']),
    isAutoAddMargin: z.boolean(),
    leverage: z.number(),
    maxNotionalValue: dec,
  }),
)

export const KlineShape = z.tuple([int, dec, dec, dec, dec, dec, int, dec, int, dec, dec, dec])

export const Ticker24hShape = z.strictObject({
  symbol: z.string(),
  priceChange: dec,
  priceChangePercent: dec,
  weightedAvgPrice: dec,
  lastPrice: dec,
  lastQty: dec,
  openPrice: dec,
  highPrice: dec,
  lowPrice: dec,
  volume: dec,
  quoteVolume: dec,
  openTime: int,
  closeTime: int,
  firstId: int,
  lastId: int,
  count: int,
})

export const BookTickerShape = z.looseObject({
  symbol: z.string(),
  bidPrice: dec,
  bidQty: dec,
  askPrice: dec,
  askQty: dec,
  time: int,
})

export const DepthShape = z.strictObject({
  lastUpdateId: int,
  E: int,
  T: int,
  bids: z.array(z.tuple([dec, dec])),
  asks: z.array(z.tuple([dec, dec])),
})

export const PremiumIndexShape = z.strictObject({
  symbol: z.string(),
  markPrice: dec,
  indexPrice: dec,
  estimatedSettlePrice: dec,
  lastFundingRate: dec,
  interestRate: dec,
  nextFundingTime: int,
  time: int,
})

/** `ORDER_TRADE_UPDATE.o` fields from research §4. */
export const OrderUpdateShape = z.looseObject(
  Object.fromEntries(
    's,c,S,o,f,q,p,ap,sp,x,X,i,l,z,L,N,n,T,t,b,a,m,R,wt,ot,ps,cp,rp,pP,si,ss,V,pm,gtd'
      .split(',')
      .map((k) => [k, z.unknown().refine((v) => v !== undefined, `${k} missing`)]),
  ),
)

export const AccountUpdateShape = z.looseObject({
  e: z.literal('ACCOUNT_UPDATE'),
  E: int,
  T: int,
  a: z.strictObject({
    m: z.string(),
    B: z.array(z.strictObject({ a: z.string(), wb: dec, cw: dec, bc: dec })),
    P: z.array(
      z.strictObject({
        s: z.string(),
        pa: dec,
        ep: dec,
        bep: dec,
        cr: dec,
        up: dec,
        mt: z.string(),
        iw: dec,
        ps: z.string(),
      }),
    ),
  }),
})
