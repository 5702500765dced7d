// Muse control commands: [length u8]["<command>\n" ASCII], length counting the newline (muse-js encodeCommand).
import { FrameError } from '../../../common/errors.js';
import { MUSE_MAX_COMMAND_CHARS } from './constants.js';

const COMMAND_PATTERN = /^[\x21-\x7e]+$/;

export function encodeMuseCommand(command: string): Uint8Array {
  // Printable ASCII only: a newline inside would end the command early on the headset.
  if (!COMMAND_PATTERN.test(command)) throw new FrameError('field', `command ${JSON.stringify(command)} is not printable ASCII`);
  if (command.length > MUSE_MAX_COMMAND_CHARS) throw new FrameError('length', `command of ${command.length} characters`);
  const out = new Uint8Array(command.length + 2);
  out[0] = command.length + 1;
  for (let i = 0; i < command.length; i++) out[i + 1] = command.charCodeAt(i);
  out[out.length - 1] = 0x0a;
  return out;
}
