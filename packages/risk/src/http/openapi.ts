import { z } from 'zod'
import {
  ErrorResponseSchema,
  EssStatusSchema,
  PolicyResponseSchema,
  ResetRequestSchema,
  TripRequestSchema,
  ValidateRequestSchema,
  ValidateResponseSchema,
} from './schemas.js'

type Schema = z.ZodType

const json = (schema: Schema, io: 'input' | 'output') => ({
  'application/json': { schema: z.toJSONSchema(schema, { io, unrepresentable: 'any' }) },
})
const answer = (description: string, schema: Schema) => ({ description, content: json(schema, 'output') })
const error = (description: string) => answer(description, ErrorResponseSchema)

/**
 * The OpenAPI 3.1 document of the risk HTTP API (`GET /openapi.json`), generated from the zod schemas
 * that validate the requests, so the two cannot drift apart.
 */
export function riskOpenApi(version = '0.1.0'): Record<string, unknown> {
  const body = (schema: Schema) => ({ required: true, content: json(schema, 'input') })
  return {
    openapi: '3.1.0',
    info: {
      title: 'Quantum Trader SDK: risk API',
      version,
      description:
        'Pre-trade validation, the Emergency Stop System and the active risk policy. Bound to 127.0.0.1 by default.',
    },
    paths: {
      '/validate': {
        post: {
          summary: 'Check an intent against the policy (a dry run: nothing is sent)',
          requestBody: body(ValidateRequestSchema),
          responses: { '200': answer('The verdict', ValidateResponseSchema), '400': error('Malformed body') },
        },
      },
      '/ess/status': {
        get: {
          summary: 'The emergency stop state (ARMED / TRIPPED / DISARMED) with the reason',
          responses: { '200': answer('The status', EssStatusSchema), '404': error('The policy has no ESS') },
        },
      },
      '/ess/trip': {
        post: {
          summary:
            'Trip the emergency stop; needs the token (Authorization: Bearer, or the body), so a web page cannot halt trading',
          requestBody: body(TripRequestSchema),
          security: [{ essToken: [] }],
          responses: {
            '200': answer('Tripped', EssStatusSchema),
            '400': error('Malformed body'),
            '401': error('Missing or wrong token'),
            '415': error('Not application/json'),
            '429': error('Too many wrong tokens: retry after the Retry-After seconds'),
          },
        },
      },
      '/ess/reset': {
        post: {
          summary: 'Re-arm a tripped emergency stop; needs the token (Authorization: Bearer, or the body)',
          requestBody: { required: false, content: json(ResetRequestSchema, 'input') },
          security: [{ essToken: [] }],
          responses: {
            '200': answer('Re-armed', EssStatusSchema),
            '400': error('Malformed body'),
            '401': error('Missing or wrong token'),
            '415': error('Not application/json'),
            '429': error('Too many wrong tokens: retry after the Retry-After seconds'),
          },
        },
      },
      '/policy': {
        get: {
          summary: 'The limits and rules of the policy',
          responses: { '200': answer('The policy', PolicyResponseSchema) },
        },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    },
    components: { securitySchemes: { essToken: { type: 'http', scheme: 'bearer' } } },
  }
}
