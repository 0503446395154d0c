CREATE TABLE `sms_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`provider_id` integer NOT NULL,
	`pending_hash` text NOT NULL,
	`code_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sms_codes_user` ON `sms_codes` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `sms_gateways` (
	`provider_id` integer PRIMARY KEY NOT NULL,
	`kind` text DEFAULT 'twilio' NOT NULL,
	`api_url` text NOT NULL,
	`account_sid` text NOT NULL,
	`sealed_auth_token` text NOT NULL,
	`from_number` text NOT NULL,
	`default_country_code` text,
	`enabled` integer DEFAULT true NOT NULL,
	`updated_by_staff_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by_staff_id`) REFERENCES `staff_members`(`id`) ON UPDATE no action ON DELETE no action
);
