import { emit } from '../../loaders/snapshot.js';

emit('backlog_daily');
