// Scores three public reply parsers on the reply-trimming corpus (trim/MANIFEST.tsv), per source.
// Usage: node scripts/score-peers.js <corpus-dir> <peers-dir> [results.tsv]
//   corpus-dir: the shared corpus root (holds trim/MANIFEST.tsv)
//   peers-dir:  the npm prefix where the peers and mailparser are installed (has node_modules/)
//   results.tsv (optional): per-case pass/fail for every peer is written there.
// Rule (project issue): normalise the parser's visible text and the expected text (CRLF -> LF, trim each line,
// collapse runs of blank lines to one, trim both ends); a case passes when they are equal.
// eml cases: the message's text/plain body, decoded by mailparser, is what each parser gets.
'use strict';

const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const [corpusDir, peersDir, resultsPath] = process.argv.slice(2);
if (!corpusDir || !peersDir) {
  console.error('usage: node score-peers.js <corpus-dir> <peers-dir> [results.tsv]');
  process.exit(2);
}
const manifestPath = path.join(corpusDir, 'trim', 'MANIFEST.tsv');
if (!fs.existsSync(manifestPath)) {
  console.error(`corpus manifest not found: ${manifestPath}`);
  process.exit(2);
}
const modulesDir = path.join(peersDir, 'node_modules');
const req = (name) => require(path.join(modulesDir, name));

const SOURCES = [
  'crisp_email_reply_parser',
  'discourse_receiver',
  'email_reply_trimmer',
  'github_email_reply_parser',
  'talon',
  'willdurand_email_reply_parser',
];

function normalise(s) {
  const lines = String(s ?? '').replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim());
  const out = [];
  for (const l of lines) {
    if (l === '' && out.length > 0 && out[out.length - 1] === '') continue;
    out.push(l);
  }
  return out.join('\n').trim();
}

function readManifest() {
  const rows = fs.readFileSync(manifestPath, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = rows.shift().split('\t');
  return rows.map((line) => {
    const cols = line.split('\t');
    const rec = {};
    header.forEach((h, i) => { rec[h] = cols[i]; });
    return rec;
  });
}

async function main() {
  const { simpleParser } = req('mailparser');
  const nodeErp = req('node-email-reply-parser');
  const planer = req('planer');
  // email-reply-parser (crisp-oss) 2.x is an ES module ("type": "module"); Node 20 cannot require() it, so import it.
  // It uses the optional native "re2" package when present; without it (the default install) it falls back to RegExp.
  const crispMod = await import(pathToFileURL(path.join(modulesDir, 'email-reply-parser', 'dist', 'emailreplyparser.js')).href);
  const CrispParser = crispMod.default;

  const peers = [
    {
      name: 'node-email-reply-parser',
      // parse(text, true) returns getVisibleText() of the parsed email ('' when the parser returns nothing).
      run: (text) => nodeErp(text, true),
    },
    {
      name: 'email-reply-parser',
      run: (text) => new CrispParser().read(text).getVisibleText(),
    },
    {
      name: 'planer',
      run: (text) => planer.extractFrom(text, 'text/plain'),
    },
  ];

  const cases = readManifest();
  const stats = {};
  for (const src of [...SOURCES, 'ALL']) {
    stats[src] = { n: 0 };
    for (const p of peers) stats[src][p.name] = 0;
  }
  const results = [];

  for (const c of cases) {
    const inputFile = path.join(corpusDir, c.input_path);
    const expected = fs.readFileSync(path.join(corpusDir, c.expected_path), 'utf8');
    let text;
    if (c.format === 'eml') {
      const mail = await simpleParser(fs.readFileSync(inputFile));
      text = mail.text ?? '';
    } else {
      text = fs.readFileSync(inputFile, 'utf8');
    }
    const want = normalise(expected);
    if (!stats[c.source]) {
      stats[c.source] = { n: 0 };
      for (const p of peers) stats[c.source][p.name] = 0;
      SOURCES.push(c.source);
    }
    stats[c.source].n++;
    stats.ALL.n++;
    const row = [c.case_id, c.source];
    for (const p of peers) {
      let got;
      let err = '';
      try {
        got = p.run(text);
      } catch (e) {
        err = String(e && e.message ? e.message : e);
        got = '';
      }
      const pass = !err && normalise(got) === want;
      if (pass) {
        stats[c.source][p.name]++;
        stats.ALL[p.name]++;
      }
      row.push(pass ? 'pass' : err ? `error: ${err.replace(/\s+/g, ' ')}` : 'fail');
    }
    results.push(row);
  }

  if (resultsPath) {
    const head = ['case_id', 'source', ...peers.map((p) => p.name)].join('\t');
    fs.writeFileSync(resultsPath, [head, ...results.map((r) => r.join('\t'))].join('\n') + '\n');
  }

  // Table.
  const srcW = Math.max('source'.length, ...SOURCES.map((s) => s.length), 3);
  const colW = peers.map((p) => Math.max(p.name.length, 14));
  const pad = (s, w) => String(s).padEnd(w);
  const lpad = (s, w) => String(s).padStart(w);
  const lines = [];
  lines.push([pad('source', srcW), lpad('cases', 5), ...peers.map((p, i) => lpad(p.name, colW[i]))].join('  '));
  lines.push(['-'.repeat(srcW), '-'.repeat(5), ...colW.map((w) => '-'.repeat(w))].join('  '));
  for (const src of [...SOURCES, 'ALL']) {
    const st = stats[src];
    const cells = peers.map((p, i) => {
      const k = st[p.name];
      const pct = st.n ? ((100 * k) / st.n).toFixed(1) : '0.0';
      return lpad(`${k} (${pct}%)`, colW[i]);
    });
    if (src === 'ALL') lines.push(['-'.repeat(srcW), '-'.repeat(5), ...colW.map((w) => '-'.repeat(w))].join('  '));
    lines.push([pad(src, srcW), lpad(st.n, 5), ...cells].join('  '));
  }
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
