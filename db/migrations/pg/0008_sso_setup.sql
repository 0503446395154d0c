ALTER TABLE "identity_providers" ADD COLUMN "slug" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "identity_providers" ADD COLUMN "token_auth_method" text DEFAULT 'client_secret_post' NOT NULL;--> statement-breakpoint
ALTER TABLE "identity_providers" ADD COLUMN "signing_key_sealed" text;--> statement-breakpoint
ALTER TABLE "sso_login_states" ADD COLUMN "test_by_user_id" integer;--> statement-breakpoint
-- Providers added before slugs keep the redirect URI registered with their id.
UPDATE "identity_providers" SET "slug" = CAST("id" AS text);--> statement-breakpoint
CREATE UNIQUE INDEX "identity_providers_slug" ON "identity_providers" USING btree ("slug");