/**
 * The permtrace agent: loaded into the app by the runner, it hooks the catalogue's APIs and
 * streams calls back (agent/protocol.ts). The RPC exports only forward to the Agent.
 */
import { Agent } from "./engine/agent.js";
import type { AgentRpc } from "./protocol.js";

const agent = new Agent();

const exports: AgentRpc = {
  init: (config) => agent.init(config),
  status: () => agent.status(),
  flush: () => agent.flush(),
  mark: (label) => agent.mark(label),
  dispose: () => agent.dispose(),
};

rpc.exports = exports as unknown as RpcExports;
