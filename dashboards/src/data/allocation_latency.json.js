import { emit } from '../../loaders/snapshot.js';

emit('allocation_latency');
