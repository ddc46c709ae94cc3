CREATE TABLE "intake_spent_tokens" (
	"id" "bytea" PRIMARY KEY NOT NULL,
	"done_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "intake_spent_tokens_expiry_idx" ON "intake_spent_tokens" USING btree ("expires_at");