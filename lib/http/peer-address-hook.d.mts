import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

export function useSocketAddress(message: { request: IncomingMessage; socket?: Socket }): void;
export function installPeerAddressHook(): () => void;
