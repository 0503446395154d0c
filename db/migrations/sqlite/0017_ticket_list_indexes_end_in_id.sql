DROP INDEX `tickets_company_updated`;--> statement-breakpoint
DROP INDEX `tickets_provider_updated`;--> statement-breakpoint
DROP INDEX `tickets_provider_status_updated`;--> statement-breakpoint
DROP INDEX `tickets_requester_updated`;--> statement-breakpoint
DROP INDEX `tickets_assignee_updated`;--> statement-breakpoint
CREATE INDEX `tickets_company_updated` ON `tickets` (`company_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `tickets_provider_updated` ON `tickets` (`provider_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `tickets_provider_status_updated` ON `tickets` (`provider_id`,`status`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `tickets_requester_updated` ON `tickets` (`requester_contact_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `tickets_assignee_updated` ON `tickets` (`assignee_staff_id`,`updated_at`,`id`);