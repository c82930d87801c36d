import { emit } from '../../loaders/snapshot.js';

emit('inbound_daily');
