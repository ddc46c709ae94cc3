CREATE TABLE "applicant_sessions" (
	"id_hash" "bytea" PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"wrapped_key" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "applicant_sessions" ADD CONSTRAINT "applicant_sessions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "applicant_sessions_case_idx" ON "applicant_sessions" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "applicant_sessions_expiry_idx" ON "applicant_sessions" USING btree ("expires_at");