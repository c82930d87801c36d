import { emit } from '../../loaders/snapshot.js';

emit('supplier_lead_times');
