#!/usr/bin/env node
// Per-function cyclomatic complexity for TypeScript files using ESLint's
// built-in `complexity` rule (classic variant, threshold 0 so every function
// is reported).  Usage:
//   NODE_PATH=<dir with node_modules> node eslint_complexity.js FILE... > out.jsonl
//   (or: ... --files-from LIST)
// Output: one JSON object per function:
//   {"file","line","end_line","head_line","name","kind","complexity"}
// `line` is the start of the declaring construct (method definition, property,
// variable declarator for `const f = () => ...`, else the function node itself);
// `head_line` is where ESLint itself reports it (the function "head").
"use strict";
const fs = require("fs");
const path = require("path");
const { Linter } = require("eslint");
const { builtinRules } = require("eslint/use-at-your-own-risk");
const tsParser = require("@typescript-eslint/parser");

const base = builtinRules.get("complexity");

function keyName(key) {
  if (!key) return null;
  if (key.type === "Identifier" || key.type === "PrivateIdentifier") return key.name;
  if (key.type === "Literal") return String(key.value);
  return null;
}

function declInfo(node) {
  // Returns [declNode, name, kind]
  const p = node.parent;
  if (node.type === "FunctionDeclaration" || node.type === "TSDeclareFunction")
    return [node, node.id ? node.id.name : null, "function"];
  if (p && (p.type === "MethodDefinition" || p.type === "TSAbstractMethodDefinition"))
    return [p, keyName(p.key), p.kind === "constructor" ? "constructor" : "method"];
  if (p && p.type === "Property" && p.value === node)
    return [p, keyName(p.key), "property"];
  if (p && (p.type === "PropertyDefinition" || p.type === "AccessorProperty") && p.value === node)
    return [p, keyName(p.key), "field"];
  if (p && p.type === "VariableDeclarator" && p.init === node) {
    const decl = p.parent && p.parent.type === "VariableDeclaration" ? p.parent : p;
    const stmt = decl.parent && decl.parent.type === "ExportNamedDeclaration" ? decl.parent : decl;
    return [stmt, p.id && p.id.type === "Identifier" ? p.id.name : null, "variable"];
  }
  if (node.type === "FunctionExpression" && node.id) return [node, node.id.name, "function"];
  if (node.type === "StaticBlock") return [node, "static", "static-block"];
  if (p && p.type === "PropertyDefinition") return [p, keyName(p.key), "field-initializer"];
  return [node, null, node.type === "ArrowFunctionExpression" ? "arrow" : "anonymous"];
}

const plugin = {
  rules: {
    complexity: {
      meta: base.meta,
      create(context) {
        const target = context;
        const proxy = new Proxy({}, {
          get(_t, prop) {
            if (prop === "report") {
              return (desc) => {
                const node = desc.node;
                let [decl, name, kind] = declInfo(node);
                if (desc.data && desc.data.name === "Class field initializer") kind = "field-initializer";
                target.report({
                  node,
                  message: JSON.stringify({
                    line: decl.loc.start.line,
                    node_line: node.loc.start.line,
                    end_line: node.loc.end.line,
                    head_line: desc.loc ? (desc.loc.start ? desc.loc.start.line : desc.loc.line) : node.loc.start.line,
                    name,
                    kind,
                    complexity: desc.data.complexity,
                  }),
                });
              };
            }
            const v = Reflect.get(target, prop, target);
            return typeof v === "function" ? v.bind(target) : v;
          },
        });
        return base.create(proxy);
      },
    },
  },
};

const variant = process.env.ESLINT_COMPLEXITY_VARIANT || "classic";
// cwd "/" so that the `files` globs below match files anywhere on disk
const linter = new Linter({ configType: "flat", cwd: "/" });
function configFor(file) {
  return [
    {
      files: ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"],
      languageOptions: {
        parser: tsParser,
        parserOptions: { ecmaFeatures: { jsx: file.endsWith(".tsx") } },
        ecmaVersion: "latest",
        sourceType: "module",
      },
      // ignore `/* eslint-disable */` comments in the analysed sources
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
      plugins: { lq: plugin },
      rules: { "lq/complexity": ["error", { max: 0, variant }] },
    },
  ];
}

let files = process.argv.slice(2);
const fi = files.indexOf("--files-from");
if (fi >= 0) {
  const list = fs.readFileSync(files[fi + 1], "utf8").split("\n").filter(Boolean);
  files = files.slice(0, fi).concat(list, files.slice(fi + 2));
}
let errors = 0;
for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  let msgs;
  try {
    msgs = linter.verify(text, configFor(file), { filename: path.resolve(file) });
  } catch (e) {
    process.stderr.write(`eslint failed on ${file}: ${e.message}\n`);
    errors++;
    continue;
  }
  for (const m of msgs) {
    if (m.ruleId === "lq/complexity") {
      const o = JSON.parse(m.message);
      process.stdout.write(JSON.stringify(Object.assign({ file }, o)) + "\n");
    } else if (m.fatal) {
      process.stderr.write(`parse error ${file}:${m.line}: ${m.message}\n`);
      process.stdout.write(JSON.stringify({ file, parse_error: m.message, line: m.line }) + "\n");
      errors++;
    }
  }
}
process.exitCode = 0;
