import { emit } from '../../loaders/snapshot.js';

emit('anomalies');
