ALTER TABLE "attachments" ADD COLUMN "sealed_key" "bytea";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "public_key" "bytea";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "sealed_key" "bytea";