import { addCategory, listCategories, renameCategory, setCategoryActive } from '../../tickets/categories';
import { ZAddCategoryInput, ZRenameCategoryInput, ZSetCategoryActiveInput, ZUpdateSlaInput } from '../../tickets/schemas';
import { listSlaPolicies, updateSlaPolicy } from '../../tickets/sla-policies';
import { router, staffProcedure } from '../procedures';

/** Staff admins' ticket settings: SLA targets per priority and the category list. */
export const ticketSettingsRouter = router({
  slaPolicies: staffProcedure.query(async ({ ctx }) => await listSlaPolicies(ctx.svc)),
  updateSla: staffProcedure.input(ZUpdateSlaInput).mutation(async ({ ctx, input }) => await updateSlaPolicy(ctx.svc, input)),
  /** Every category, inactive ones too. */
  categories: staffProcedure.query(async ({ ctx }) => await listCategories(ctx.svc, { includeInactive: true })),
  addCategory: staffProcedure.input(ZAddCategoryInput).mutation(async ({ ctx, input }) => await addCategory(ctx.svc, input)),
  renameCategory: staffProcedure.input(ZRenameCategoryInput).mutation(async ({ ctx, input }) => await renameCategory(ctx.svc, input)),
  setCategoryActive: staffProcedure.input(ZSetCategoryActiveInput).mutation(async ({ ctx, input }) => await setCategoryActive(ctx.svc, input)),
});
