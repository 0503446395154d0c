ALTER TABLE `providers` ADD `mail_no_dmarc` text DEFAULT 'hold' NOT NULL;--> statement-breakpoint
ALTER TABLE `providers` ADD `mail_trusted_domains` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `inbound_messages` ADD `client_ip` text;--> statement-breakpoint
ALTER TABLE `inbound_messages` ADD `client_helo` text;--> statement-breakpoint
ALTER TABLE `inbound_messages` ADD `sender_auth` text;