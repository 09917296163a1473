// tests/consumers/tap_parser.js — results.tap read by node-tap's parser (Debian 12's
// node-tap-parser 11, full YAML): in strict mode, no line it does not know, one test point
// per case of results.json in order, ok/not ok and SKIP as the verdicts say, the name
// "SUITE: NAME", and every YAML diagnostic equal to the values results.json holds; a bail
// out only for an interrupted run. Usage: node tap_parser.js results.tap results.json
// (NODE_PATH=/usr/share/nodejs for a node that is not Debian's); exit 1 on a mismatch.
'use strict'
const fs = require('fs')
const Parser = require('tap-parser')

const [tapFile, jsonFile] = process.argv.slice(2)
const doc = JSON.parse(fs.readFileSync(jsonFile, 'utf8'))
const bad = []
const points = []
let version = null
const p = new Parser({ strict: true })
p.on('version', v => { version = v })
p.on('assert', a => points.push(a))
p.on('extra', x => bad.push(`a line TAP does not know: ${JSON.stringify(x)}`))
p.on('complete', res => {
  if (version !== 13) bad.push(`version ${version}, not 13`)
  for (const f of res.failures)
    if (f.tapError) bad.push(`parse error: ${f.tapError}`)
  if (res.bailout !== false !== doc.run.interrupted)
    bad.push(`bail out ${JSON.stringify(res.bailout)} with interrupted=${doc.run.interrupted}`)
  if (points.length !== doc.cases.length && !doc.run.interrupted)
    bad.push(`${points.length} points, ${doc.cases.length} cases`)
  const text = s => s.replace(/[\x00-\x1f\x7f]/g, ' ')
  points.forEach((a, i) => {
    const c = doc.cases[i]
    if (!c) return bad.push(`point ${i + 1}: no such case`)
    const n = i + 1
    if (a.ok !== (c.verdict !== 'FAIL' && c.verdict !== 'ERROR')) bad.push(`point ${n}: ok is not right for ${c.verdict}`)
    if (!!a.skip !== (c.verdict === 'N/A')) bad.push(`point ${n}: skip is not right for ${c.verdict}`)
    const want = text([c.suite, c.name ?? c.id].filter(s => s).join(': ')).trim()
    const got = (a.name || '').replace(/^- /, '')
    if (got !== want) bad.push(`point ${n}: name [${got}], case [${want}]`)
    const yaml = c.verdict !== 'PASS' && c.verdict !== 'N/A'
    if (!yaml) return
    if (!a.diag || typeof a.diag !== 'object') return bad.push(`point ${n}: no YAML diagnostics`)
    for (const k of ['verdict', 'id', 'rule', 'reason', 'expected', 'seen', 'source_kind',
      'source', 'others', 'latency_ms', 'limit_ms', 'transcript'])
      if (a.diag[k] !== c[k])
        bad.push(`point ${n}: ${k}: YAML ${JSON.stringify(a.diag[k])}, JSON ${JSON.stringify(c[k])}`)
  })
  for (const b of bad) console.log(`${tapFile}: ${b}`)
  process.exitCode = bad.length ? 1 : 0
})
p.end(fs.readFileSync(tapFile))
