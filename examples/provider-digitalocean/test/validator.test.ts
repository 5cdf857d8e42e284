import { beforeAll, describe, expect, it } from 'vitest'
import type { Exchange } from './support/exchange.js'
import { OpenApiValidator } from './support/openapi/openapi-validator.js'
import { locateSpec, locateSpecOrWarn } from './support/openapi/spec-location.js'

/*
 * The validator is only worth its zero-violation verdict if it does find violations: these tests
 * feed it exchanges that break the description in each way it checks.
 */
const spec = locateSpecOrWarn()

describe.skipIf(!spec.ok)('OpenAPI validator (DigitalOcean description)', () => {
  let validator: OpenApiValidator
  beforeAll(() => {
    if (spec.ok) validator = new OpenApiValidator(spec.rootFile)
  })

  const exchange = (fields: Partial<Exchange> & Pick<Exchange, 'method' | 'path' | 'status'>): Exchange => ({
    query: {},
    requestHeaders: {},
    requestBody: undefined,
    responseHeaders: {},
    responseBody: undefined,
    ...fields,
  })
  const problems = (fields: Partial<Exchange> & Pick<Exchange, 'method' | 'path' | 'status'>) =>
    validator
      .validate(exchange(fields))
      .violations.map((violation) => `${violation.where}: ${violation.message}`)

  const vpc = {
    id: '5a4981aa-9653-4bd1-bef5-d6bff52042e4',
    urn: 'do:vpc:5a4981aa-9653-4bd1-bef5-d6bff52042e4',
    name: 'net',
    description: '',
    region: 'nyc3',
    ip_range: '10.10.10.0/24',
    default: false,
    created_at: '2020-03-13T19:20:47Z',
  }

  it('loads the description from YAML at run time and matches path templates', () => {
    expect(validator.pathCount).toBeGreaterThan(300)
    const report = validator.validate(
      exchange({ method: 'GET', path: `/v2/vpcs/${vpc.id}`, status: 200, responseBody: { vpc } }),
    )
    expect(report).toEqual({ operationId: 'vpcs_get', responseKey: '200', violations: [] })
    // A literal segment wins over a template: /v2/droplets/autoscale is not droplet "autoscale".
    expect(
      validator.validate(
        exchange({
          method: 'GET',
          path: '/v2/droplets/autoscale',
          status: 200,
          responseBody: { autoscale_pools: [], links: {}, meta: { total: 0 } },
        }),
      ).operationId,
    ).toBe('autoscalepools_list')
  })

  it('reports undocumented paths, methods and query parameters', () => {
    expect(problems({ method: 'GET', path: '/v2/nothing-here', status: 404 })).toEqual([
      'request: no documented path matches /v2/nothing-here',
    ])
    expect(problems({ method: 'PATCH', path: '/v2/droplets', status: 200 })[0]).toMatch(
      /PATCH is not documented/,
    )
    expect(
      problems({
        method: 'GET',
        path: '/v2/vpcs',
        query: { tag_name: 'x' },
        status: 200,
        responseBody: { vpcs: [], links: {}, meta: { total: 0 } },
      }),
    ).toEqual(['request.query.tag_name: is not a documented query parameter of vpcs_list'])
  })

  it('reports path parameters of the wrong type and missing required headers', () => {
    expect(
      problems({
        method: 'GET',
        path: '/v2/droplets/abc',
        status: 404,
        responseBody: { id: 'not_found', message: 'x' },
      }),
    ).toEqual(['request.path.droplet_id: expected integer, got string "abc"'])
    expect(problems({ method: 'DELETE', path: '/v2/droplets/autoscale/p1/dangerous', status: 202 })).toEqual([
      'request.header.X-Dangerous: is required but missing',
    ])
  })

  it('reports request bodies that miss required fields or have the wrong types', () => {
    const found = problems({
      method: 'POST',
      path: '/v2/vpcs',
      requestBody: { region: 'nyc3', ip_range: 10 },
      status: 201,
      responseBody: { vpc },
    })
    expect(found).toEqual([
      'request.body.name: is required but missing',
      'request.body.ip_range: expected string, got number 10',
    ])
    expect(
      problems({
        method: 'POST',
        path: '/v2/tags',
        requestBody: { name: 'bad tag!' },
        status: 201,
        responseBody: { tag: { name: 'x' } },
      }),
    ).toEqual(['request.body.name: "bad tag!" does not match the pattern ^[a-zA-Z0-9_\\-\\:]+$'])
    expect(problems({ method: 'POST', path: '/v2/vpcs', status: 201, responseBody: { vpc } })).toEqual([
      'request.body: is required but missing',
    ])
  })

  it('reports undocumented statuses and responses that break their schema', () => {
    // tags_get documents 200, 401, 404, 429, 500 and default: every status is "documented".
    expect(
      validator.validate(
        exchange({
          method: 'GET',
          path: '/v2/tags/x',
          status: 418,
          responseBody: { id: 'teapot', message: 'no' },
        }),
      ).responseKey,
    ).toBe('default')
    const found = problems({
      method: 'GET',
      path: `/v2/vpcs/${vpc.id}`,
      status: 200,
      responseBody: { vpc: { ...vpc, id: 'not-a-uuid', default: 'no' } },
      responseHeaders: { 'ratelimit-remaining': 'many' },
    })
    expect(found).toEqual([
      'response.body.vpc.default: expected boolean, got string "no"',
      'response.body.vpc.id: "not-a-uuid" is not a valid uuid',
      'response.header.ratelimit-remaining: expected integer, got string "many"',
    ])
    expect(problems({ method: 'GET', path: `/v2/vpcs/${vpc.id}`, status: 404 })).toEqual([
      'response.body: is empty, but 404 documents a JSON body',
    ])
  })

  it('checks oneOf and anyOf: exactly one Droplet create shape, one of the pool configs', () => {
    const found = problems({
      method: 'POST',
      path: '/v2/droplets',
      requestBody: { name: 'a', size: 's-1vcpu-1gb' },
      status: 422,
      responseBody: { id: 'unprocessable_entity', message: 'x' },
    })
    expect(found).toEqual([
      expect.stringMatching(
        /^request\.body: matches none of the oneOf branches \(Single Droplet Request: image is required/,
      ),
    ])
    const pool = {
      name: 'p',
      config: { target_number_instances: 0 },
      droplet_template: { region: 'nyc3', size: 's-1vcpu-1gb', image: 'ubuntu-24-04-x64', ssh_keys: [] },
    }
    expect(
      problems({
        method: 'POST',
        path: '/v2/droplets/autoscale',
        requestBody: pool,
        status: 422,
        responseBody: { id: 'x', message: 'y' },
      }),
    ).toEqual([
      expect.stringMatching(
        /^request\.body\.config: matches none of the oneOf branches .*below the minimum 1/,
      ),
    ])
  })
})

describe('when the description is absent', () => {
  it('says where it looked, so that the skip is explained', () => {
    const location = locateSpec('/nonexistent/clone')
    expect(location).toEqual({
      ok: false,
      reason: expect.stringContaining(
        '/nonexistent/shared/specs/digitalocean/specification/DigitalOcean-public.v2.yaml',
      ),
    })
  })
})
