import { emit } from '../../loaders/snapshot.js';

emit('demand_signals');
