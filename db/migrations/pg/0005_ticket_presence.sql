CREATE TABLE "ticket_presence" (
	"ticket_id" integer NOT NULL,
	"staff_id" integer NOT NULL,
	"name" text NOT NULL,
	"state" text NOT NULL,
	"seen_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "ticket_presence_ticket_id_staff_id_pk" PRIMARY KEY("ticket_id","staff_id")
);
--> statement-breakpoint
CREATE INDEX "ticket_presence_seen" ON "ticket_presence" USING btree ("seen_at");