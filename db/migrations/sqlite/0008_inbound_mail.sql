CREATE TABLE `email_bounces` (
	`email` text PRIMARY KEY NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`last_bounce_at` integer NOT NULL,
	`last_reason` text
);
--> statement-breakpoint
CREATE TABLE `inbound_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text,
	`content_hash` text NOT NULL,
	`raw_path` text NOT NULL,
	`size` integer NOT NULL,
	`envelope_from` text,
	`envelope_to` text NOT NULL,
	`from_address` text,
	`from_name` text,
	`subject` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`provider_id` integer,
	`ticket_id` integer,
	`comment_id` integer,
	`matched_by` text,
	`flags` text DEFAULT '[]' NOT NULL,
	`error` text,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`comment_id`) REFERENCES `ticket_comments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_messages_message_id` ON `inbound_messages` (`message_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_messages_content_hash` ON `inbound_messages` (`content_hash`);--> statement-breakpoint
CREATE INDEX `inbound_messages_status` ON `inbound_messages` (`status`,`id`);--> statement-breakpoint
ALTER TABLE `providers` ADD `auto_create_contacts` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `ticket_comments` ADD `flags` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `ticket_comments` ADD `inbound_message_id` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `related_ticket_id` integer;