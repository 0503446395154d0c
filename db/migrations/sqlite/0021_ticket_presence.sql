CREATE TABLE `ticket_presence` (
	`ticket_id` integer NOT NULL,
	`staff_id` integer NOT NULL,
	`name` text NOT NULL,
	`state` text NOT NULL,
	`seen_at` integer NOT NULL,
	PRIMARY KEY(`ticket_id`, `staff_id`)
);
--> statement-breakpoint
CREATE INDEX `ticket_presence_seen` ON `ticket_presence` (`seen_at`);