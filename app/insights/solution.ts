/** The solution context the lab's prompt opens with, in our words: what StudentSuccess is for. */

/** The solution's name as the lab gives it. */
export const SOLUTION_NAME = 'Solution 1: StudentSuccess – AI-driven Freshman Retention Insights';

/** A short business context for the model. */
export const SOLUTION_CONTEXT = [
  'Business challenge: too many freshmen drop out, and the students at risk are found late, after reactive checks. Every student lost costs tuition revenue and reputation.',
  'What StudentSuccess does: flags at-risk students early from academic performance, LMS engagement, financial aid and behaviour; gives advisors a live dashboard; recommends interventions.',
  'Data sources: student information systems (Banner, PeopleSoft, Colleague), learning management systems (Canvas, Blackboard, Moodle), academic integrity tools (Turnitin, SafeAssign), engagement analytics.',
  "Stakeholders: academic advisors, student success coordinators, enrollment management, the provost and the vice president of student affairs.",
  'Business case used by the lab: about 1,000 freshmen, 85% baseline retention, a 15% improvement target, $20,000 average tuition per student per year.',
  'Risks: FERPA and privacy, integration with legacy systems, staff adoption, model bias.',
].join('\n');
