CREATE TABLE `identity_provider_companies` (
	`idp_id` integer NOT NULL,
	`company_id` integer NOT NULL,
	`mode` text NOT NULL,
	PRIMARY KEY(`idp_id`, `company_id`),
	FOREIGN KEY (`idp_id`) REFERENCES `identity_providers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `identity_provider_companies_company` ON `identity_provider_companies` (`company_id`);--> statement-breakpoint
CREATE TABLE `identity_providers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`provider_id` integer NOT NULL,
	`kind` text NOT NULL,
	`display_name` text NOT NULL,
	`issuer_url` text NOT NULL,
	`client_id` text NOT NULL,
	`client_secret_sealed` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`skip_two_factor` integer DEFAULT true NOT NULL,
	`hide_sign_in_page` integer DEFAULT false NOT NULL,
	`staff_mode` text,
	`email_domains` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `identity_providers_provider` ON `identity_providers` (`provider_id`);--> statement-breakpoint
CREATE TABLE `sso_handoffs` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`payload_sealed` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sso_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`idp_id` integer NOT NULL,
	`subject` text NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	FOREIGN KEY (`idp_id`) REFERENCES `identity_providers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sso_links_idp_subject` ON `sso_links` (`idp_id`,`subject`);--> statement-breakpoint
CREATE INDEX `sso_links_user` ON `sso_links` (`user_id`);--> statement-breakpoint
CREATE TABLE `sso_login_states` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`idp_id` integer NOT NULL,
	`browser_hash` text NOT NULL,
	`nonce` text NOT NULL,
	`code_verifier_sealed` text NOT NULL,
	`return_to` text,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`idp_id`) REFERENCES `identity_providers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sso_login_states_expires` ON `sso_login_states` (`expires_at`);--> statement-breakpoint
CREATE TABLE `sso_sessions` (
	`session_id` text PRIMARY KEY NOT NULL,
	`idp_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`idp_id`) REFERENCES `identity_providers`(`id`) ON UPDATE no action ON DELETE cascade
);
