// Preload of the web process when TRUST_PROXY is off (scripts/runtime.ts `startWeb`): clients
// cannot choose their X-Forwarded-For (lib/http/peer-address-hook.mjs).
import { installPeerAddressHook } from "../lib/http/peer-address-hook.mjs";

installPeerAddressHook();
