CREATE TABLE "operation_case_refs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"ref" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "operation_case_refs" ADD CONSTRAINT "operation_case_refs_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "operation_case_refs_case_idx" ON "operation_case_refs" USING btree ("case_id");