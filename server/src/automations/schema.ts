import './schedules/schema.ts';
import './triggers/schema.ts';
import './webhooks/schema.ts';
