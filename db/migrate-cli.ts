import { loadSettings } from '../server/settings';
import { closeDatabase, openDatabase } from './client';
import { migrateDatabase } from './migrate';

const settings = loadSettings();
const db = openDatabase(settings.DATABASE_PATH);
migrateDatabase(db);
closeDatabase(db);
console.log(`Migrated ${settings.DATABASE_PATH}`);
