import { Controller, Get, UseGuards } from '@nestjs/common';
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
}
