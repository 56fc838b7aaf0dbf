import { Controller, Delete, Get, Req, UseGuards } from '@nestjs/common';
import { PrismaService } from '../common/prisma.service';
import { Roles } from './roles.decorator';
import { RolesGuard } from './roles.guard';

@Controller('users')
@UseGuards(RolesGuard)
export class UsersController {
  constructor(private readonly prisma: PrismaService) {}

  @Roles('admin')
  @Get()
  list() {
    return this.prisma.user.findMany({ select: { id: true, email: true } });
  }

  /** A user's own data, as the law asks it be given on request. */
  @Get('me/export')
  exportMine(@Req() request: { user: { sub: string } }) {
    return this.prisma.user.findUnique({
      where: { id: request.user.sub },
      include: { orders: true },
    });
  }

  /** A user's account and orders, erased on request. */
  @Delete('me')
  async deleteMine(@Req() request: { user: { sub: string } }) {
    await this.prisma.order.deleteMany({ where: { userId: request.user.sub } });
    await this.prisma.user.delete({ where: { id: request.user.sub } });
  }
}
