ALTER TABLE "operation_cases" DROP CONSTRAINT "operation_cases_case_id_cases_id_fk";
--> statement-breakpoint
ALTER TABLE "operation_cases" ADD CONSTRAINT "operation_cases_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;