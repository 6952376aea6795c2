import { policyCases } from '../../../test/helpers/policy-cases.js';
import { describeRule } from '../../../test/helpers/rule-table.js';
import { encryptionMismatchRule } from './encryption-mismatch.js';

describeRule(encryptionMismatchRule, policyCases('encryption'));
