"""Traditional → simplified characters, for the few hundred that party materials use.

Materials come from people who type in traditional characters (on a Hong Kong or Taiwan input
method, or pasted from an old document), and a copy in traditional characters is still a copy.
The table maps one character to one character, so a text keeps its length and a finding's
offsets in the mapped text are offsets in the original. Only characters that are never correct
in simplified text are listed: 乾, 著, 藉, 瞭 and 夥 are simplified characters too (乾坤, 著作,
狼藉, 瞭望) and stay as they are. No dependency: OpenCC's full table is a much larger thing than
this check needs.
"""

from __future__ import annotations

# Pairs "繁简", separated by spaces, grouped loosely by what the words are about.
_PAIRS = """
學学 習习 盡尽 儘尽 爭争 進进 聯联 繫系 係系 羣群 眾众 衆众 經经 黨党 會会 問问 題题
議议 論论 這这 個个 們们 對对 為为 爲为 於于 與与 後后 來来 時时 實实 現现 發发 髮发
開开 關关 團团 結结 員员 幹干 導导 領领 頭头 風风 氣气 設设 計计 劃划 畫画 務务 業业
產产 農农 場场 廠厂 區区 縣县 鄉乡 鎮镇 華华 國国 長长 東东 車车 門门 間间 聞闻 閱阅
讀读 書书 寫写 說说 話话 語语 認认 識识 記记 講讲 請请 讓让 調调 謹谨 嚴严 肅肃 紀纪
規规 範范 標标 準准 則则 責责 擔担 當当 歷历 曆历 觀观 點点 義义 權权 勞劳 動动 積积
極极 強强 彈弹 濟济 據据 處处 應应 該该 願愿 滿满 熱热 愛爱 親亲 觸触 職职 幫帮 謀谋
專专 項项 順顺 頓顿 預预 類类 顧顾 顯显 響响 頁页 須须 額额 體体 驗验 險险 檢检 儉俭
簡简 單单 戰战 獻献 織织 組组 級级 紅红 約约 線线 綫线 練练 緊紧 總总 績绩 續续 維维
網网 綜综 統统 絕绝 給给 絡络 繼继 縮缩 編编 緣缘 勵励 勸劝 辦办 辭辞 亂乱 嚮向 樣样
樹树 機机 構构 樓楼 檔档 條条 歡欢 歲岁 殘残 漢汉 決决 沒没 溝沟 減减 測测 湧涌 滅灭
濃浓 災灾 無无 煩烦 燈灯 營营 爐炉 狀状 獨独 獲获 穫获 環环 畢毕 療疗 癥症 盤盘 確确
碼码 礎础 禮礼 禍祸 離离 種种 稱称 穩稳 窮穷 競竞 筆笔 節节 築筑 簽签 糧粮 罰罚 羅罗
聲声 聽听 脅胁 腦脑 腳脚 臉脸 興兴 舉举 舊旧 艱艰 藝艺 蘇苏 號号 蟲虫 衛卫 補补 裝装
製制 複复 復复 見见 視视 覺觉 覽览 訂订 討讨 訓训 訪访 許许 診诊 評评 試试 詩诗 詳详
誠诚 誤误 誰谁 課课 談谈 諾诺 謝谢 證证 譯译 護护 變变 豐丰 貝贝 負负 財财 貢贡 貧贫
貨货 貴贵 買买 費费 貿贸 資资 賓宾 質质 購购 賽赛 贊赞 讚赞 趕赶 趨趋 跡迹 蹟迹 軍军
輕轻 載载 較较 輔辅 輪轮 輸输 轉转 邊边 遠远 適适 選选 遺遗 還还 邁迈 鄰邻 醫医 釋释
針针 錢钱 鐵铁 錯错 鍛锻 鍊炼 煉炼 鏈链 鑒鉴 鑑鉴 閒闲 閑闲 閣阁 隊队 陽阳 陰阴 階阶
際际 陸陆 隨随 隱隐 雜杂 雞鸡 難难 電电 靈灵 靜静 韓韩 頂顶 頻频 顏颜 飛飞 飯饭 飲饮
養养 餘余 館馆 馬马 駐驻 驚惊 髒脏 臟脏 鬥斗 鬧闹 魚鱼 鳥鸟 鹽盐 麥麦 黃黄 齊齐 齒齿
龍龙 龜龟 帶带 師师 幣币 廣广 廳厅 庫库 廢废 張张 彎弯 歸归 徑径 從从 徵征 憂忧 懷怀
態态 慣惯 慶庆 戲戏 擁拥 擇择 擊击 擴扩 報报 壞坏 壓压 墊垫 壯壮 夢梦 奪夺 奮奋 婦妇
孫孙 寶宝 審审 尋寻 將将 屆届 層层 屬属 島岛 峽峡 幾几 彙汇 匯汇 啟启 啓启 喚唤 嘗尝
圍围 園园 圓圆 圖图 執执 堅坚 塊块 塵尘 墻墙 牆墙 壽寿 備备 夠够 傳传 價价 倫伦 偉伟
側侧 偵侦 億亿 儀仪 優优 償偿 僅仅 傷伤 傑杰 僱雇 債债 傾倾 兒儿 兩两 內内 冊册 劉刘
剛刚 創创 劇剧 勁劲 勝胜 勢势 勳勋 協协 卻却 厲厉 參参 雙双 嚇吓 嗎吗 嘆叹 噸吨 獎奖
樂乐 欄栏 殺杀 毀毁 殼壳 湯汤 溫温 漲涨 潔洁 澤泽 濕湿 灣湾 燒烧 爺爷 牽牵 犧牺 猶犹
獄狱 畝亩 異异 疊叠 瘋疯 盜盗 監监 睜睁 礙碍 祕秘 禦御 稅税 穀谷 竊窃 籃篮 籌筹 糾纠
紛纷 紙纸 紡纺 細细 終终 紹绍 綁绑 綠绿 緒绪 緩缓 縱纵 繩绳 繪绘 罷罢 聖圣 聰聪 脫脱
膚肤 膽胆 臨临 艦舰 莊庄 萬万 葉叶 蓋盖 薦荐 藥药 蘭兰 虛虚 術术 衝冲 襲袭 訊讯 託托
訴诉 詞词 誇夸 誌志 貪贪 貫贯 賀贺 賬账 賢贤 賣卖 賴赖 趙赵 軟软 輯辑 辯辩 週周 運运
過过 達达 違违 遙遥 遞递 遲迟 鄭郑 鄧邓 醜丑 釐厘 鈔钞 鋼钢 錄录 鍵键 鎖锁 鏡镜 鐘钟
鍾钟 鑰钥 閃闪 閉闭 陣阵 陳陈 隸隶 雖虽 雲云 頒颁 頌颂 頸颈 顆颗 颱台 臺台 檯台 飄飘
餓饿 驅驱 騙骗 驕骄 鬆松 魯鲁 鮮鲜 鳳凤 鳴鸣 麗丽 麵面 齡龄 裡里 裏里 麼么 併并 並并
倆俩 傘伞 憑凭 擬拟 擺摆 攜携 攝摄 敵敌 數数 斷断 晉晋 暫暂 曉晓 棄弃 榮荣 槍枪 橋桥
歐欧 漁渔 潛潜 濫滥 濱滨 灑洒 燦灿 爛烂 獅狮 瑣琐 礦矿 窯窑 緻致 繳缴 壇坛 聳耸 膠胶
鋪铺 舖铺 艙舱 藍蓝 蘆芦 蝦虾 蠶蚕 襯衬 詢询 誼谊 諒谅 諮咨 謊谎 謎谜 謠谣 譜谱 豬猪
貓猫 賠赔 賞赏 賦赋 賭赌 贏赢 踐践 蹤踪 躍跃 軌轨 軸轴 輩辈 輛辆 轄辖 遷迁 邏逻 醞酝
釀酿 鈴铃 鉛铅 銀银 銷销 鋒锋 鍋锅 鑄铸 闆板 闊阔 闖闯 闡阐 霧雾 韌韧 韻韵 頑顽 頗颇
顛颠 飼饲 飽饱 餅饼 饑饥 饒饶 駕驾 駛驶 騰腾 驟骤 鬍胡 鴨鸭 鵝鹅 鷹鹰 鹼碱 黴霉 齋斋
廠厂 懶懒 懲惩 戶户 搶抢 撥拨 擾扰 擬拟 攔拦 敗败 敘叙 斂敛 暢畅 書书 棲栖 楊杨 樁桩
檢检 櫃柜 殯殡 氾泛 滯滞 滲渗 漸渐 潰溃 澀涩 瀆渎 濾滤 為为 犯犯 猻狲 獷犷 痺痹 瘓痪
療疗 瞞瞒 矯矫 碩硕 禪禅 穌稣 窪洼 筧笕 篩筛 簞箪 糰团 紐纽 紮扎 絲丝 絞绞 綱纲 綴缀
緬缅 縫缝 繃绷 繞绕 缽钵 罌罂 羈羁 翹翘 聶聂 肅肃 脈脉 膩腻 臥卧 臺台 與与 舉举 蕩荡
薑姜 藹蔼 蘊蕴 虧亏 蠟蜡 衊蔑 裊袅 褲裤 覓觅 訛讹 訟讼 訝讶 詐诈 詭诡 誓誓 誘诱 諷讽
謙谦 講讲 譴谴 讜谠 貞贞 販贩 貶贬 賊贼 賄贿 賜赐 賤贱 賺赚 贈赠 贓赃 贖赎 趲趱 蹺跷
軀躯 輿舆 轎轿 辮辫 遼辽 鄒邹 醬酱 鈍钝 鈕钮 鉤钩 銅铜 銳锐 鋸锯 錘锤 錫锡 鍍镀 鎊镑
鎮镇 鏽锈 鐮镰 鑲镶 閥阀 闌阑 闢辟 陝陕 隕陨 雛雏 霸霸 靄霭 韋韦 頰颊 頹颓 顱颅 颳刮
饋馈 饞馋 馳驰 駁驳 駭骇 騷骚 驢驴 髏髅 鬱郁 魂魂 鯨鲸 鴿鸽 鵬鹏 鶴鹤 鹵卤 麼么 黷黩
"""


def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for pair in _PAIRS.split():
        traditional, simplified = pair[0], pair[1]
        # A pair written twice is harmless; a pair that maps a character to itself says nothing.
        if traditional != simplified:
            table[traditional] = simplified
    return table


TRADITIONAL_TO_SIMPLIFIED: dict[str, str] = _table()
