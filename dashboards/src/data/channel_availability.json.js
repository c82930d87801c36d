import { emit } from '../../loaders/snapshot.js';

emit('channel_availability');
