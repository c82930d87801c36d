import { emit } from '../../loaders/snapshot.js';

emit('kpi_demand');
