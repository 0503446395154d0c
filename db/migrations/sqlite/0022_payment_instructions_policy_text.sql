ALTER TABLE `providers` ADD `privacy_policy_text` text;--> statement-breakpoint
ALTER TABLE `providers` ADD `payment_instructions` text;