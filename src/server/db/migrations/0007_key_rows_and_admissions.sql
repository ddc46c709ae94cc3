ALTER TABLE "escrow_keys" ADD COLUMN "mac" "bytea";--> statement-breakpoint
ALTER TABLE "staff_keys" ADD COLUMN "mac" "bytea";--> statement-breakpoint
ALTER TABLE "team_members" ADD COLUMN "sponsor_id" uuid;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "mac" "bytea";--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "rotation_due" boolean DEFAULT false NOT NULL;