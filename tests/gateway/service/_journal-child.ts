// Child process of journal-log.test.ts: one line per level through the daemon's logger setup
// (run-gateway.ts: createLogger with journalWanted(config.log.journal)), mode from argv[2].
import { createLogger, journalWanted, type JournalMode } from '../../../src/common/logger.js';

const log = createLogger('wg', { level: 'debug', journal: journalWanted(process.argv[2] as JournalMode) }).child('journal-test');
log.debug('a debug line');
log.info('an info line', { n: 1 });
log.warn('a warn line');
log.error('an error line');
