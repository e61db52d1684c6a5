#!/usr/bin/env node
// Reference call edges for a TypeScript corpus directory, from the TypeScript
// compiler's type checker (the ground truth the leindex call resolver is scored on).
//
// Usage:
//   node reference_ts.js [--tools-dir DIR] [--out FILE] [--stats] [--extra-dts FILE.d.ts]... CORPUS_DIR
//
// `typescript` is required from $LEINDEX_QUALITY_TOOLS/node_modules, or --tools-dir,
// or /tmp/leindex-quality-tools/node_modules, or the normal resolution path.
//
// Output: JSON lines, one per resolved call or `new`:
//   {"caller_file", "caller_line", "call_line", "token_line", "callee_file", "callee_line",
//    "kind": "call"|"new"|"super"|"decorator", "callee_kind": <SyntaxKind name>,
//    "callee_name"}, and, marked `"dispatch": true`, one more record per method the call
// may dispatch to (class hierarchy analysis: the same-named members of every class or
// interface that transitively extends or implements the callee's; the analogue of Go's
// `callgraph -algo=cha`). compare_simple.py keeps those out of recall and reports
// precision with and without them.
// call_line is the line where the call expression starts (the receiver of a chain, as
// a tree-sitter call_expression starts); token_line the line of the callee name.
// Paths are relative to CORPUS_DIR; lines are 1-based. caller_line is the line of the
// name of the innermost enclosing named function (function, method, constructor,
// accessor, overload-free implementation; arrow/function expression bound to a
// variable declarator or a class property), or null at module/class-body level.
// callee_line is the line of the callee declaration's name (constructor keyword for
// constructors, `class` name for classes). Only callees declared in a .ts/.tsx file
// under CORPUS_DIR are kept.
'use strict';
const fs = require('fs');
const path = require('path');

const RESERVED = new Set(['graphql', 'zod', 'ky', 'express']);

function parseArgs(argv) {
  const a = { toolsDir: process.env.LEINDEX_QUALITY_TOOLS || null, out: null, stats: false, dir: null, extra: [] };
  for (let i = 2; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--tools-dir') a.toolsDir = argv[++i];
    else if (x === '--out') a.out = argv[++i];
    else if (x === '--stats') a.stats = true;
    else if (x === '--extra-dts') a.extra.push(path.resolve(argv[++i]));
    else if (x === '-h' || x === '--help') {
      console.log('usage: node reference_ts.js [--tools-dir DIR] [--out FILE] [--stats] [--extra-dts FILE.d.ts]... CORPUS_DIR\n' +
        '  --extra-dts: extra root declaration files, e.g. @types/node index.d.ts (edges into them are never emitted)');
      process.exit(0);
    } else if (!a.dir) a.dir = x;
    else { console.error('unexpected argument ' + x); process.exit(2); }
  }
  if (!a.dir) { console.error('usage: node reference_ts.js [--tools-dir DIR] [--out FILE] CORPUS_DIR'); process.exit(2); }
  return a;
}

function loadTs(toolsDir) {
  const tries = [];
  if (toolsDir) tries.push(path.join(toolsDir, toolsDir.endsWith('node_modules') ? '' : 'node_modules', 'typescript'));
  tries.push('/tmp/leindex-quality-tools/node_modules/typescript');
  tries.push('typescript');
  for (const t of tries) {
    try { return require(t); } catch (e) { /* next */ }
  }
  console.error('cannot load typescript (tried ' + tries.join(', ') + ')');
  process.exit(2);
}

function listFiles(root) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|tsx|mts|cts)$/.test(e.name) && !/\.d\.[mc]?ts$/.test(e.name)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

function main() {
  const args = parseArgs(process.argv);
  const root = path.resolve(args.dir);
  const base = path.basename(root);
  if (RESERVED.has(base) || root.split(path.sep).some((c) => RESERVED.has(c))) {
    console.error(`excluded reserved package ${base}: not used for reference edges`);
    process.exit(3);
  }
  const ts = loadTs(args.toolsDir);
  const t0 = Date.now();
  const files = listFiles(root);
  const options = {
    allowJs: false,
    skipLibCheck: true,
    noEmit: true,
    noResolve: false,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.Preserve,
    strict: true,
    experimentalDecorators: true,
    types: [],
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
  };
  const program = ts.createProgram(files.concat(args.extra), options);
  const checker = program.getTypeChecker();
  const inRoot = (f) => {
    const r = path.relative(root, f);
    return !r.startsWith('..') && !path.isAbsolute(r) && /\.(ts|tsx|mts|cts)$/.test(f) && !/\.d\.[mc]?ts$/.test(f);
  };
  const rel = (f) => path.relative(root, f).split(path.sep).join('/');
  const lineOf = (node) => {
    const sf = node.getSourceFile();
    return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  };
  const nameLine = (decl) => (decl.name ? lineOf(decl.name) : lineOf(decl));

  const isFnExpr = (n) => n && (ts.isArrowFunction(n) || ts.isFunctionExpression(n));
  // The named function a node stands for, if any (as leindex names them).
  function namedFunction(n) {
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) ||
        ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n)) {
      return n;
    }
    if (isFnExpr(n)) {
      const p = n.parent;
      if (p && ts.isVariableDeclaration(p) && p.initializer === n && ts.isIdentifier(p.name)) return p;
      if (p && ts.isPropertyDeclaration(p) && p.initializer === n) return p;
    }
    return null;
  }
  function enclosing(node) {
    for (let p = node.parent; p; p = p.parent) {
      const f = namedFunction(p);
      if (f) return f;
    }
    return null;
  }
  function resolveAlias(sym) {
    if (sym && sym.flags & ts.SymbolFlags.Alias) {
      try { return checker.getAliasedSymbol(sym); } catch (e) { return sym; }
    }
    return sym;
  }
  const hasBody = (d) => !!d.body;
  // Prefer the implementation of an overloaded function/method/constructor.
  function implementation(decl) {
    if ((ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl) || ts.isConstructorDeclaration(decl)) && !hasBody(decl)) {
      const sym = decl.symbol || (decl.name && checker.getSymbolAtLocation(decl.name));
      const impl = sym && (sym.declarations || []).find((d) => d.kind === decl.kind && hasBody(d));
      if (impl) return impl;
    }
    return decl;
  }
  // Map a declaration to the one leindex would have as a node; null if none.
  function canonical(decl) {
    if (!decl) return null;
    if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl) || ts.isConstructorDeclaration(decl) ||
        ts.isGetAccessorDeclaration(decl) || ts.isSetAccessorDeclaration(decl) || ts.isMethodSignature(decl) ||
        ts.isClassDeclaration(decl) || ts.isClassExpression(decl)) {
      return implementation(decl);
    }
    if (isFnExpr(decl)) {
      const p = decl.parent;
      if (p && (ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isPropertyAssignment(p)) && p.initializer === decl) return p;
      return null;
    }
    if (ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) || ts.isPropertySignature(decl) ||
        ts.isPropertyAssignment(decl) || ts.isShorthandPropertyAssignment(decl)) {
      return decl;
    }
    return null;
  }
  function symbolDecl(expr) {
    let target = expr;
    while (ts.isParenthesizedExpression(target) || ts.isNonNullExpression(target) || ts.isAsExpression(target)) target = target.expression;
    if (ts.isPropertyAccessExpression(target)) target = target.name;
    else if (ts.isElementAccessExpression(target)) target = target.argumentExpression;
    let sym;
    try { sym = checker.getSymbolAtLocation(target); } catch (e) { return null; }
    sym = resolveAlias(sym);
    if (!sym) return null;
    const d = sym.valueDeclaration || (sym.declarations || [])[0];
    return d || null;
  }
  function classOf(expr) {
    let sym;
    let target = expr;
    if (ts.isPropertyAccessExpression(target)) target = target.name;
    try { sym = resolveAlias(checker.getSymbolAtLocation(target)); } catch (e) { return null; }
    if (!sym || !(sym.flags & ts.SymbolFlags.Class)) return null;
    return (sym.declarations || []).find((d) => ts.isClassDeclaration(d) || ts.isClassExpression(d)) || null;
  }
  function calleeOf(node) {
    if (ts.isNewExpression(node)) {
      const cls = classOf(node.expression);
      if (cls) {
        const ctors = cls.members.filter(ts.isConstructorDeclaration);
        return ctors.find(hasBody) || ctors[0] || cls;
      }
    }
    let decl = null;
    try {
      const sig = checker.getResolvedSignature(node);
      decl = sig && sig.declaration;
    } catch (e) { decl = null; }
    let c = decl && !ts.isJSDocSignature(decl) ? canonical(decl) : null;
    if (!c && !(node.expression && node.expression.kind === ts.SyntaxKind.SuperKeyword)) {
      c = canonical(symbolDecl(node.expression));
    }
    return c;
  }

  // The name token of a called expression (`b` of `a.\n  b()`), for token_line.
  function calleeToken(expr) {
    let e = expr;
    while (e && (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e))) e = e.expression;
    if (e && ts.isPropertyAccessExpression(e)) return e.name;
    if (e && ts.isElementAccessExpression(e)) return e.argumentExpression;
    return e || expr;
  }
  // Class hierarchy analysis (as Go's `callgraph -algo=cha` for interface calls): which
  // classes and interfaces extend or implement which, by the checker's reading of every
  // heritage clause in the corpus.
  const isType = (d) => ts.isClassDeclaration(d) || ts.isClassExpression(d) || ts.isInterfaceDeclaration(d);
  const subtypes = new Map();
  for (const sf of program.getSourceFiles()) {
    if (!inRoot(sf.fileName)) continue;
    const v = (n) => {
      if (isType(n) && n.heritageClauses) {
        for (const hc of n.heritageClauses) {
          for (const t of hc.types) {
            const e = ts.isPropertyAccessExpression(t.expression) ? t.expression.name : t.expression;
            let sym = null;
            try { sym = resolveAlias(checker.getSymbolAtLocation(e)); } catch (err) { sym = null; }
            for (const d of (sym && sym.declarations) || []) {
              if (!isType(d)) continue;
              if (!subtypes.has(d)) subtypes.set(d, []);
              subtypes.get(d).push(n);
            }
          }
        }
      }
      ts.forEachChild(n, v);
    };
    v(sf);
  }
  // The methods a call of `callee` (a member of a class or interface) may run: the
  // same-named members of every transitive subtype.
  function dispatchTargets(callee) {
    const owner = callee.parent;
    if (!owner || !isType(owner) || !callee.name) return [];
    const name = callee.name.getText();
    const out = [];
    const seen = new Set([owner]);
    const stack = [owner];
    while (stack.length) {
      const t = stack.pop();
      for (const s of subtypes.get(t) || []) {
        if (seen.has(s)) continue;
        seen.add(s);
        stack.push(s);
        for (const m of s.members || []) {
          if (!m.name || m.name.getText() !== name) continue;
          if (!(ts.isMethodDeclaration(m) || ts.isMethodSignature(m) || ts.isPropertyDeclaration(m) ||
                ts.isPropertySignature(m) || ts.isGetAccessorDeclaration(m))) continue;
          const c = canonical(m);
          if (c && c !== callee && inRoot(c.getSourceFile().fileName)) out.push(c);
        }
      }
    }
    return out;
  }
  const stats = { files: 0, calls: 0, resolved: 0, in_corpus: 0, dispatch: 0 };
  const lines = [];
  for (const sf of program.getSourceFiles()) {
    if (!inRoot(sf.fileName)) continue;
    stats.files++;
    const visit = (node) => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        stats.calls++;
        const callee = calleeOf(node);
        if (callee) {
          stats.resolved++;
          const cf = callee.getSourceFile().fileName;
          if (inRoot(cf)) {
            stats.in_corpus++;
            const caller = enclosing(node);
            let kind = ts.isNewExpression(node) ? 'new' : 'call';
            if (node.expression && node.expression.kind === ts.SyntaxKind.SuperKeyword) kind = 'super';
            else if (node.parent && ts.isDecorator(node.parent)) kind = 'decorator';
            const calleeLine = ts.isConstructorDeclaration(callee)
              ? lineOf(callee.getChildren().find((c) => c.kind === ts.SyntaxKind.ConstructorKeyword) || callee)
              : nameLine(callee);
            const rec = {
              caller_file: rel(sf.fileName),
              caller_line: caller ? nameLine(caller) : null,
              call_line: lineOf(node),
              token_line: lineOf(calleeToken(node.expression)),
              callee_file: rel(cf),
              callee_line: calleeLine,
              kind,
              callee_kind: ts.SyntaxKind[callee.kind],
              callee_name: callee.name ? callee.name.getText() : (ts.isConstructorDeclaration(callee) ? 'constructor' : null),
            };
            lines.push(JSON.stringify(rec));
            // Overrides and implementations the call may dispatch to: extra records
            // marked `dispatch` (not part of the declared-target reference).
            if (kind === 'call') {
              for (const d of dispatchTargets(callee)) {
                stats.dispatch++;
                lines.push(JSON.stringify(Object.assign({}, rec, {
                  callee_file: rel(d.getSourceFile().fileName),
                  callee_line: nameLine(d),
                  callee_kind: ts.SyntaxKind[d.kind],
                  dispatch: true,
                })));
              }
            }
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  const text = lines.join('\n') + (lines.length ? '\n' : '');
  if (args.out) fs.writeFileSync(args.out, text);
  else process.stdout.write(text);
  stats.edges = lines.length;
  stats.seconds = (Date.now() - t0) / 1000;
  stats.typescript = ts.version;
  if (args.stats || args.out) console.error(JSON.stringify(Object.assign({ corpus: root }, stats)));
}

main();
