import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/*
 * A software authenticator for unit tests: real ES256 keys, real authenticator data,
 * attestation 'none' and real signatures, so the server's checks run on genuine objects.
 * Every knob a test needs to make a bad answer (origin, RP id, UV flag, counter, handle)
 * is an option. The browser tests use Chromium's virtual authenticator instead.
 */

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

interface TSoftCredential {
  id: string;
  privateKey: KeyObject;
  cose: Uint8Array;
  userHandle: string;
  counter: number;
}

type TCeremonyOpts = { origin: string; rpId?: string; uv?: boolean; challenge?: string; type?: string };

const b64 = (b: Uint8Array | Buffer) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export class SoftAuthenticator {
  readonly credentials: TSoftCredential[] = [];

  /** navigator.credentials.create(): a new P-256 credential for the options' user. */
  create(options: PublicKeyCredentialCreationOptionsJSON, opts: TCeremonyOpts): RegistrationResponseJSON {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
      ]),
    );
    const credId = randomBytes(32);
    const rpId = opts.rpId ?? options.rp.id!;
    const flags = FLAG_UP | FLAG_AT | (opts.uv === false ? 0 : FLAG_UV);
    const lengthBytes = Buffer.alloc(2);
    lengthBytes.writeUInt16BE(credId.length);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([flags]), u32(0), Buffer.alloc(16), lengthBytes, credId, Buffer.from(cose)]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', new Uint8Array(authData)],
      ]),
    );
    const clientDataJSON = JSON.stringify({ type: opts.type ?? 'webauthn.create', challenge: opts.challenge ?? options.challenge, origin: opts.origin, crossOrigin: false });
    const cred: TSoftCredential = { id: b64(credId), privateKey, cose, userHandle: options.user.id, counter: 0 };
    this.credentials.push(cred);
    return {
      id: cred.id,
      rawId: cred.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: { clientDataJSON: b64(Buffer.from(clientDataJSON)), attestationObject: b64(attestationObject), transports: ['internal'] },
    };
  }

  /**
   * navigator.credentials.get(): signs with `credential` (default: the first allowed one, or
   * the first held). The counter goes up by one per use unless `counter` sets it.
   */
  get(
    options: PublicKeyCredentialRequestOptionsJSON,
    opts: TCeremonyOpts & { credential?: TSoftCredential; counter?: number; userHandle?: string | null },
  ): AuthenticationResponseJSON {
    const allowed = options.allowCredentials?.map((c) => c.id);
    const cred = opts.credential ?? this.credentials.find((c) => !allowed || allowed.includes(c.id));
    if (!cred) throw new Error('no credential for these options');
    cred.counter = opts.counter ?? cred.counter + 1;
    const rpId = opts.rpId ?? options.rpId!;
    const flags = FLAG_UP | (opts.uv === false ? 0 : FLAG_UV);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([flags]), u32(cred.counter)]);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: opts.type ?? 'webauthn.get', challenge: opts.challenge ?? options.challenge, origin: opts.origin, crossOrigin: false }));
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), cred.privateKey);
    const userHandle = opts.userHandle === undefined ? cred.userHandle : opts.userHandle;
    return {
      id: cred.id,
      rawId: cred.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: { clientDataJSON: b64(clientDataJSON), authenticatorData: b64(authData), signature: b64(signature), ...(userHandle ? { userHandle } : {}) },
    };
  }
}
