/** What an alert is about. */
export type AlertKind =
  | 'ess-tripped'
  | 'unprotected-position'
  | 'plugin-errors'
  | 'reconnect-storm'
  | 'reduce-only'
  | 'daily-summary'
  | 'policy-switch'
  | 'execution-fallback'

/** Every alert kind, in documentation order. */
export const ALERT_KINDS: readonly AlertKind[] = [
  'ess-tripped',
  'unprotected-position',
  'plugin-errors',
  'reconnect-storm',
  'reduce-only',
  'daily-summary',
  'policy-switch',
  'execution-fallback',
]

/** One notification, before it is shaped for a receiver. */
export interface Alert {
  readonly kind: AlertKind
  /** `critical` needs a person now; `warning` soon; `info` is a report. */
  readonly severity: 'critical' | 'warning' | 'info'
  /** One line, e.g. `Emergency stop tripped`. */
  readonly title: string
  /** The details, plain text. */
  readonly text: string
  /** When it happened (epoch ms, the run's clock). */
  readonly time: number
  /** Structured facts (symbol, reason, equity...), shown as fields by receivers that have them. */
  readonly fields: Readonly<Record<string, string | number>>
}

/** Receiver payload shapes. */
export type WebhookFormat = 'json' | 'telegram' | 'discord' | 'slack'

const COLOR = { critical: 0xd32f2f, warning: 0xf9a825, info: 0x1976d2 } as const
const ICON = { critical: '🚨', warning: '⚠️', info: 'ℹ️' } as const

const fieldLines = (alert: Alert): string =>
  Object.entries(alert.fields)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n')

/**
 * Shapes an alert as a receiver expects it: `json` (the alert itself, for your own endpoint),
 * `telegram` (Bot API `sendMessage`: `chat_id`, `text`), `discord` (webhook `content` + one embed),
 * `slack` (incoming webhook `text` + blocks).
 */
export function formatAlert(alert: Alert, format: WebhookFormat, options: { chatId?: string } = {}): unknown {
  const heading = `${ICON[alert.severity]} ${alert.title}`
  const body = [alert.text, fieldLines(alert)].filter((part) => part.length > 0).join('\n')
  switch (format) {
    case 'json':
      return { ...alert, timeIso: new Date(alert.time).toISOString() }
    case 'telegram':
      return { chat_id: options.chatId, text: `${heading}\n${body}`, disable_web_page_preview: true }
    case 'discord':
      return {
        content: heading,
        embeds: [
          {
            title: alert.title,
            description: alert.text,
            color: COLOR[alert.severity],
            timestamp: new Date(alert.time).toISOString(),
            fields: Object.entries(alert.fields).map(([name, value]) => ({ name, value: String(value), inline: true })),
          },
        ],
      }
    case 'slack':
      return {
        text: `${heading}: ${alert.text}`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: heading } },
          { type: 'section', text: { type: 'mrkdwn', text: body } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: new Date(alert.time).toISOString() }] },
        ],
      }
  }
}
