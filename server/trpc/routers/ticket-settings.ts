import { addCategory, listCategories, renameCategory, setCategoryActive } from '../../tickets/categories';
import { ZAddCategoryInput, ZRenameCategoryInput, ZSetCategoryActiveInput, ZUpdateSlaInput } from '../../tickets/schemas';
import { listSlaPolicies, updateSlaPolicy } from '../../tickets/sla-policies';
import { router, staffProcedure } from '../procedures';

/** Staff admins' ticket settings: SLA targets per priority and the category list. */
export const ticketSettingsRouter = router({
  slaPolicies: staffProcedure.query(({ ctx }) => listSlaPolicies(ctx.svc)),
  updateSla: staffProcedure.input(ZUpdateSlaInput).mutation(({ ctx, input }) => updateSlaPolicy(ctx.svc, input)),
  /** Every category, inactive ones too. */
  categories: staffProcedure.query(({ ctx }) => listCategories(ctx.svc, { includeInactive: true })),
  addCategory: staffProcedure.input(ZAddCategoryInput).mutation(({ ctx, input }) => addCategory(ctx.svc, input)),
  renameCategory: staffProcedure.input(ZRenameCategoryInput).mutation(({ ctx, input }) => renameCategory(ctx.svc, input)),
  setCategoryActive: staffProcedure.input(ZSetCategoryActiveInput).mutation(({ ctx, input }) => setCategoryActive(ctx.svc, input)),
});
