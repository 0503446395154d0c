ALTER TABLE "providers" ADD COLUMN "privacy_policy_text" text;--> statement-breakpoint
ALTER TABLE "providers" ADD COLUMN "payment_instructions" text;