// Compiles the protocol contracts with the pinned solc (package.json) and
// writes <Name>.abi and <Name>.bin for abigen into the directory given as
// the first argument (default: build), and <Name>.runtime.json: the
// deployed (runtime) code and where the constructor writes its immutables
// into it, from which genruntime.go derives the code hashes a node checks
// on chain. Run through go generate.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const solc = require("solc");
const here = path.dirname(new URL(import.meta.url).pathname);
const out = path.resolve(process.argv[2] ?? path.join(here, "build"));

function sources(dir, rel = "") {
  const found = {};
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.posix.join(rel, e.name);
    if (e.isDirectory()) Object.assign(found, sources(dir, r));
    else if (e.name.endsWith(".sol")) found[r] = { content: fs.readFileSync(path.join(dir, r), "utf8") };
  }
  return found;
}

const input = {
  language: "Solidity",
  sources: sources(path.join(here, "src")),
  settings: {
    optimizer: { enabled: true, runs: 200 },
    viaIR: true,
    evmVersion: "osaka",
    outputSelection: {
      "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "evm.deployedBytecode.immutableReferences"] },
    },
  },
};
const result = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = result.errors ?? []; // warnings fail the build too
for (const e of result.errors ?? []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

fs.mkdirSync(out, { recursive: true });
for (const [file, contracts] of Object.entries(result.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object) continue; // interfaces
    fs.writeFileSync(path.join(out, `${name}.abi`), JSON.stringify(c.abi, null, 1) + "\n");
    fs.writeFileSync(path.join(out, `${name}.bin`), c.evm.bytecode.object + "\n");
    const immutables = Object.values(c.evm.deployedBytecode.immutableReferences ?? {})
      .flat()
      .map((r) => [r.start, r.length])
      .sort((a, b) => a[0] - b[0]);
    const runtime = { code: c.evm.deployedBytecode.object, immutables };
    fs.writeFileSync(path.join(out, `${name}.runtime.json`), JSON.stringify(runtime) + "\n");
    console.log(`${file}: ${name} ${c.evm.bytecode.object.length / 2} bytes`);
  }
}
