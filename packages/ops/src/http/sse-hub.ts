import type { ServerResponse } from 'node:http'

/** Settings of an {@link SseHub}. */
export interface SseHubOptions {
  /** How often queued events go out, ms (events between are sent as one batch). @default 100 */
  readonly flushMs?: number
  /** Events kept per batch; beyond it the oldest are dropped and counted in the next message. @default 5000 */
  readonly maxBatch?: number
  /** Bytes a client may have unsent before it is disconnected (it reconnects and resyncs). @default 1 MiB */
  readonly maxBufferedBytes?: number
  /** Comment line sent to idle clients to keep proxies from closing them, ms. @default 15000 */
  readonly heartbeatMs?: number
}

/**
 * Server-sent events to many browser clients without ever making the publisher wait: `publish` only
 * appends to an array; a timer sends the batch to every client as one `data:` message. A client that
 * cannot keep up (its socket buffer past `maxBufferedBytes`) is disconnected rather than buffered without
 * bound; the browser's EventSource reconnects and reloads the snapshot.
 */
export class SseHub<T> {
  private readonly clients = new Set<ServerResponse>()
  private batch: T[] = []
  private dropped = 0
  private sequence = 0
  private readonly timer: NodeJS.Timeout
  private readonly heartbeat: NodeJS.Timeout
  /** Clients disconnected for being too slow, since creation. */
  slowClientsDropped = 0

  constructor(private readonly options: SseHubOptions = {}) {
    this.timer = setInterval(() => this.flush(), options.flushMs ?? 100)
    this.timer.unref()
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), options.heartbeatMs ?? 15_000)
    this.heartbeat.unref()
  }

  /** Connected clients. */
  get size(): number {
    return this.clients.size
  }

  /** Takes over a response as an event stream until the client goes away. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    res.write('retry: 1000\n\n')
    this.clients.add(res)
    res.on('close', () => this.clients.delete(res))
  }

  /** Queues an event for the next flush. O(1); never blocks. */
  publish(event: T): void {
    if (this.clients.size === 0) return
    this.batch.push(event)
    if (this.batch.length > (this.options.maxBatch ?? 5000)) {
      this.batch.shift()
      this.dropped++
    }
  }

  /** Sends the queued batch now. */
  flush(): void {
    if (this.batch.length === 0) return
    const message = `id: ${++this.sequence}\ndata: ${JSON.stringify({ events: this.batch, dropped: this.dropped })}\n\n`
    this.batch = []
    this.dropped = 0
    this.broadcast(message)
  }

  /** Ends every stream and stops the timers. */
  close(): void {
    clearInterval(this.timer)
    clearInterval(this.heartbeat)
    for (const client of this.clients) client.end()
    this.clients.clear()
  }

  private broadcast(message: string): void {
    const limit = this.options.maxBufferedBytes ?? 1 << 20
    for (const client of this.clients) {
      if (client.writableLength > limit) {
        this.slowClientsDropped++
        this.clients.delete(client)
        client.destroy()
        continue
      }
      client.write(message)
    }
  }
}
