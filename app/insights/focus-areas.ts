/**
 * The lab's four focus areas and the section headings its prompt asks for in each. The
 * headings are the lab's; the instructions are ours, in the same spirit.
 */
import { AppError } from '../errors.js';

/** A focus area of the AI Insights tab. */
export interface FocusArea {
  id: string;
  label: string;
  /** The report's section headings, in order. */
  sections: string[];
  /** What the analysis should concentrate on (fed to a model; shown nowhere else). */
  asks: string[];
}

/** The four focus areas, in the lab's order. */
export const FOCUS_AREAS: readonly FocusArea[] = [
  {
    id: 'overall-performance',
    label: 'Overall Performance',
    sections: ['Academic Performance Insights', 'Student Engagement Trends', 'Retention Risk Recommendations', 'Implementation Steps'],
    asks: [
      'Analyse freshman retention across GPA, credit hours, engagement and the at-risk flag.',
      'Point out patterns in performance, engagement and risk across majors and academic standings.',
      'Name the 3 to 5 metrics that best signal whether a student will succeed.',
      'Give 3 to 5 actionable insights for retaining more freshmen.',
    ],
  },
  {
    id: 'optimization-opportunities',
    label: 'Optimization Opportunities',
    sections: [
      'Student Success Optimization Priorities',
      'Academic Impact Analysis',
      'Advising Strategy Enhancement',
      'System Integration Recommendations',
      'Student Support Risk Assessment',
    ],
    asks: [
      'Find where advising, engagement tracking and early warning could work better.',
      'Use the correlations between engagement, performance and interventions.',
      'Rank the opportunities by their likely effect on retention.',
      'Suggest concrete process or integration changes for the SIS and LMS.',
    ],
  },
  {
    id: 'financial-impact',
    label: 'Financial Impact',
    sections: [
      'Tuition Revenue Analysis',
      'Student Success Investment Impact',
      'Higher Education ROI Calculation',
      'Intervention Cost-Effectiveness',
      'Enrollment Revenue Forecasting',
    ],
    asks: [
      'Weigh tuition revenue protected by retention against the cost of interventions.',
      'Quantify the effect of better retention on revenue, by student group and programme.',
      'Show the return-on-investment arithmetic step by step.',
      'Project revenue under improved retention.',
    ],
  },
  {
    id: 'strategic-recommendations',
    label: 'Strategic Recommendations',
    sections: [
      'Digital Student Success Context',
      'Institutional Competitive Advantage Analysis',
      'Academic Technology Strategic Priorities',
      'Advanced Analytics Integration Vision',
      'Student Success Transformation Roadmap',
    ],
    asks: [
      'Place proactive, data-driven advising in the institution\'s longer-term strategy.',
      'Compare it with reactive advising and say where the advantage lies.',
      'Propose 3 to 5 high-impact initiatives and a sequenced roadmap over 1 to 3 years.',
    ],
  },
];

/** The focus area with this id (or label); a bad one is a 400 listing the valid ids. */
export function findFocusArea(idOrLabel: unknown): FocusArea {
  const area = FOCUS_AREAS.find((a) => a.id === idOrLabel || a.label === idOrLabel);
  if (!area) {
    throw new AppError('bad_request', 400, `Unknown focus area ${JSON.stringify(idOrLabel)}. Send one of: ${FOCUS_AREAS.map((a) => a.id).join(', ')}.`);
  }
  return area;
}
