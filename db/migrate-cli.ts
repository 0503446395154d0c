import { loadSettings } from '../server/settings';
import { closeDatabase, openDatabase } from './client';
import { migrateDatabase } from './migrate';

const settings = loadSettings();
const db = await openDatabase(settings);
await migrateDatabase(db);
await closeDatabase(db);
console.log(`Migrated ${settings.DATABASE_URL ? 'the PostgreSQL database' : settings.DATABASE_PATH}`);
