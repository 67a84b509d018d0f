#!/usr/bin/env node
/** The `kserve-client` bin: the command line on the process's streams. */
import { processIo } from "./io.js";
import { runCli } from "./main.js";

process.exitCode = await runCli(process.argv.slice(2), processIo());
