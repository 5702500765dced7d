// Who may do what on the embedded broker (docs/security.md). Every client but the gateway is a
// stranger: it may subscribe and send requests, but only the gateway publishes under the
// gateway's base topic (except `bridge/request/<verb>`), only the gateway retains, nobody takes
// over the gateway's client id or another principal's, and subscriptions per client are bounded.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AedesOptions, AuthenticateError, Client } from 'aedes';

export interface BrokerUser {
  username: string;
  password: string;
  /** May publish (and retain) fleet announcements and bundle chunks under `<baseTopic>/fleet/`. */
  fleet?: boolean;
}

export interface BrokerSecurityOptions {
  /** `<baseTopic>`: every topic under it is reserved for gateways. */
  baseTopic: string;
  /** `<baseTopic>/<gatewayId>`: the topics this gateway owns. */
  gatewayBase: string;
  /** The gateway's own client: the only one that may publish results and state. */
  gateway: { clientId: string; username: string; password: string };
  users: readonly BrokerUser[];
  /** Clients without credentials may connect (subscribe, send requests). */
  allowAnonymous: boolean;
  maxSubscriptionsPerClient?: number;
  maxTopicFilterChars?: number;
  /** Called on every refusal (for a counter and a rate-limited log line). */
  onRefused?: (what: string, clientId: string) => void;
}

type Principal = 'gateway' | 'anonymous' | `user:${string}`;

/** Credentials for the gateway's own connection to its embedded broker, new on every start. */
export function gatewayCredentials(clientId: string): BrokerSecurityOptions['gateway'] {
  return { clientId, username: `weargate-gateway`, password: randomBytes(24).toString('base64url') };
}

const returnCode = { identifierRejected: 2, badCredentials: 4, notAuthorized: 5 } as const;

function authError(message: string, code: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

function digest(text: string | Buffer): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time comparison of a presented password with the expected one. */
function passwordMatches(presented: Buffer | undefined, expected: string): boolean {
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}

export function brokerSecurityHooks(options: BrokerSecurityOptions): Pick<
  AedesOptions,
  'authenticate' | 'authorizePublish' | 'authorizeSubscribe'
> & { forget(client: Client): void } {
  const principals = new WeakMap<Client, Principal>();
  const holders = new Map<string, { client: Client; principal: Principal }>();
  const subscriptions = new WeakMap<Client, number>();
  const maxSubscriptions = options.maxSubscriptionsPerClient ?? 64;
  const maxFilterChars = options.maxTopicFilterChars ?? 1024;
  const users = new Map(options.users.map((u) => [u.username, u.password]));
  const requestPrefix = `${options.gatewayBase}/bridge/request/`;
  const fleetPrefix = `${options.baseTopic}/fleet/`;
  const fleetUsers = new Set(options.users.filter((u) => u.fleet === true).map((u) => `user:${u.username}`));
  const refused = (what: string, client: Client | null): void => options.onRefused?.(what, client?.id ?? '');

  const identify = (client: Client, username: string | undefined, password: Buffer | undefined): Principal | AuthenticateError => {
    if (username === undefined) {
      if (password !== undefined) return authError('password without username', returnCode.badCredentials);
      return options.allowAnonymous ? 'anonymous' : authError('authentication required', returnCode.notAuthorized);
    }
    if (username === options.gateway.username) {
      if (client.id === options.gateway.clientId && passwordMatches(password, options.gateway.password)) return 'gateway';
      return authError('bad username or password', returnCode.badCredentials);
    }
    const expected = users.get(username);
    if (expected === undefined || !passwordMatches(password, expected)) {
      return authError('bad username or password', returnCode.badCredentials);
    }
    return `user:${username}`;
  };

  return {
    authenticate(client, username, password, done) {
      const principal = identify(client, username, password);
      if (typeof principal !== 'string') {
        refused(`connect: ${principal.message}`, client);
        return done(principal, false);
      }
      if (client.id === options.gateway.clientId && principal !== 'gateway') {
        refused('connect: the gateway client id is reserved', client);
        return done(authError('client id reserved', returnCode.identifierRejected), false);
      }
      // A connected client's id may only be taken over by the same principal (its own reconnect);
      // anonymous clients cannot tell each other apart, so they never take over.
      const holder = holders.get(client.id);
      if (holder && holder.client !== client && !holder.client.closed) {
        if (holder.principal !== principal || principal === 'anonymous') {
          refused('connect: client id in use by another client', client);
          return done(authError('client id in use', returnCode.identifierRejected), false);
        }
      }
      principals.set(client, principal);
      holders.set(client.id, { client, principal });
      done(null, true);
    },

    authorizePublish(client, packet, callback) {
      if (client === null) return callback(null); // the broker's own $SYS messages
      if (principals.get(client) === 'gateway') return callback(null);
      const topic = packet.topic;
      // Fleet operators deliver model bundles as retained messages; the gateway verifies their signatures.
      if (topic.startsWith(fleetPrefix) && fleetUsers.has(principals.get(client) ?? 'anonymous')) return callback(null);
      let reason: string | undefined;
      if (packet.retain) reason = 'only the gateway may retain messages here';
      else if (topic.startsWith('$')) reason = 'topics starting with $ are the broker\'s';
      else if (topic.startsWith(requestPrefix) && !topic.slice(requestPrefix.length).includes('/')) reason = undefined;
      else if (topic === options.baseTopic || topic.startsWith(`${options.baseTopic}/`)) {
        reason = `only the gateway publishes under ${options.baseTopic}/ (requests go to ${requestPrefix}<verb>)`;
      }
      if (reason === undefined) return callback(null);
      refused(`publish ${topic.slice(0, 120)}: ${reason}`, client);
      callback(new Error(reason));
    },

    authorizeSubscribe(client, subscription, callback) {
      const count = subscriptions.get(client) ?? 0;
      if (subscription.topic.length > maxFilterChars || count >= maxSubscriptions) {
        refused(`subscribe: over ${maxSubscriptions} filters or a filter over ${maxFilterChars} chars`, client);
        return callback(new Error('subscription refused'), null);
      }
      subscriptions.set(client, count + 1);
      callback(null, subscription);
    },

    forget(client) {
      const holder = holders.get(client.id);
      if (holder?.client === client) holders.delete(client.id);
    },
  };
}
