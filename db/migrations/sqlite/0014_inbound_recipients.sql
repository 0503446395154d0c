CREATE TABLE `inbound_recipients` (
	`message_key` text NOT NULL,
	`recipient` text NOT NULL,
	`inbound_message_id` integer NOT NULL,
	PRIMARY KEY(`message_key`, `recipient`),
	FOREIGN KEY (`inbound_message_id`) REFERENCES `inbound_messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
DROP INDEX `inbound_messages_message_id`;--> statement-breakpoint
DROP INDEX `inbound_messages_content_hash`;--> statement-breakpoint
CREATE INDEX `inbound_messages_message_id` ON `inbound_messages` (`message_id`);--> statement-breakpoint
CREATE INDEX `inbound_messages_content_hash` ON `inbound_messages` (`content_hash`);--> statement-breakpoint
-- Messages accepted before: each has reached the recipients its row lists.
INSERT OR IGNORE INTO `inbound_recipients` (`message_key`, `recipient`, `inbound_message_id`)
SELECT CASE WHEN m.`message_id` IS NOT NULL THEN 'id:' || m.`message_id` ELSE 'sha:' || m.`content_hash` END, lower(r.`value`), m.`id`
FROM `inbound_messages` m, json_each(m.`envelope_to`) r;
